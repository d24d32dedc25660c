import type { Client } from '@okta/okta-sdk-nodejs';
import { z } from 'zod';
import { WATCHED_EVENT_PREFIXES, WATCHED_EVENT_TYPES, isWatched, type LogEvent, type UpdatedUser } from '../sync/incremental';
import { SyncError, describeError } from './errors';
import { unidentified } from './okta-errors';
import { assertOrgOrigin } from './okta-executor';
import { guardPaging, type OktaCaller, type PagingOptions } from './okta-sdk';

/** Where a System Log read starts: the next link kept from the last read, else a time. */
export type LogCheckpoint = Readonly<{ since: string; nextUri?: string }>;
/**
 * `checkpointRefused`: set, with what Okta answered, when Okta refused the stored next link (400 or
 * 404, e.g. a cursor it no longer accepts); nothing was read, and there is no checkpoint to keep.
 */
export type LogRead = { events: LogEvent[]; nextUri: string | undefined; unreadable: number; checkpointRefused?: string };

/** Only the events the incremental sync looks at; the rest of a busy org's log stays on the server. */
export const LOG_FILTER = [
  ...WATCHED_EVENT_PREFIXES.map((p) => `eventType sw "${p}"`),
  ...WATCHED_EVENT_TYPES.map((t) => `eventType eq "${t}"`),
].join(' or ');

const targetSchema = z
  .object({ id: z.string().min(1), type: z.string().min(1), alternateId: z.string().nullish(), displayName: z.string().nullish() })
  .loose();

// The spec requires no property of an event or a target: only what the sync needs is required.
const eventSchema = z
  .object({
    uuid: z.string().min(1),
    eventType: z.string().min(1),
    published: z.string().nullish(),
    target: z.array(z.unknown()).nullish(),
  })
  .loose();

const plain = (model: unknown): unknown => JSON.parse(JSON.stringify(model)) as unknown;

/**
 * An event the sync can use: a uuid, a type, and at least one target with an id and a type (every
 * watched event names what it changed). Targets without an id or a type are left out; an event
 * left with none cannot say whom it touched, and is counted unreadable.
 */
function toEvent(raw: unknown): LogEvent | undefined {
  const parsed = eventSchema.safeParse(plain(raw));
  if (!parsed.success) return undefined;
  const e = parsed.data;
  const targets = (e.target ?? []).flatMap((t) => {
    const target = targetSchema.safeParse(t);
    if (!target.success) return [];
    const { id, type, alternateId, displayName } = target.data;
    return [{ id, type, ...(alternateId != null ? { alternateId } : {}), ...(displayName != null ? { displayName } : {}) }];
  });
  if (targets.length === 0) return undefined;
  return { uuid: e.uuid, eventType: e.eventType, published: e.published ?? '', targets };
}

/** Okta refused a link it gave: the link itself is no good, and asking again cannot help. */
/**
 * Okta refusing a stored checkpoint: 400 or 404 as Okta answers an expired or foreign cursor, and
 * any other client error but those that speak of the credentials or the pace (another make may
 * answer 410 or 422 for a cursor it no longer keeps).
 */
export const isRefusal = (err: unknown): boolean => err instanceof SyncError && err.status !== undefined && err.status >= 400 && err.status < 500 && ![401, 403, 408, 429].includes(err.status);

/**
 * Reads the System Log onwards from a checkpoint, ascending, page by page as `each()` would: polling
 * (since, no until) always answers a next link, and the read stops at the first empty page with
 * `nextUri` set to it: that link is the next checkpoint. Each page is one call with its own retries
 * (a long backlog does not share one budget), and a failed page is fetched again from where it stopped.
 */
export async function readLog(client: Client, caller: OktaCaller, orgUrl: string, from: LogCheckpoint, paging: Omit<PagingOptions, 'repeated'> = {}): Promise<LogRead> {
  const open = async (filter: string | undefined) => {
    const opened = await caller.call('open the System Log', () =>
      client.systemLogApi.listLogEvents({ since: from.since, sortOrder: 'ASCENDING', limit: 1000, ...(filter !== undefined ? { filter } : {}) }),
    );
    const collection = guardPaging(opened, orgUrl, { ...paging, repeated: 'checkpoint' });
    if (from.nextUri !== undefined) {
      assertOrgOrigin(from.nextUri, orgUrl);
      collection.nextUri = from.nextUri;
    }
    const readNext = () => caller.call('read the System Log', () => collection.next());
    return { collection, readNext, first: await readNext() }; // the first page: the stored checkpoint's, when there is one
  };
  let read: Awaited<ReturnType<typeof open>>;
  try {
    read = await open(LOG_FILTER);
  } catch (err) {
    if (from.nextUri !== undefined && isRefusal(err)) return { events: [], nextUri: undefined, unreadable: 0, checkpointRefused: describeError(err) };
    // A service whose filter grammar lacks an operator the filter uses (`sw`): the whole log is
    // read, and the events kept as the filter would have kept them.
    if (!(isRefusal(err) && err instanceof SyncError && err.status === 400)) throw err;
    read = await open(undefined);
  }
  const { collection, readNext } = read;
  let item = read.first;
  const events: LogEvent[] = [];
  let unreadable = 0;
  // No value: the first empty page, as each() reads it; the collection keeps that page's next link.
  while (item.value) {
    const event = toEvent(item.value);
    if (event) {
      if (isWatched(event.eventType)) events.push(event);
    } else if (mayBeWatched(item.value)) unreadable += 1;
    if (item.done) break;
    item = await readNext();
  }
  return { events, nextUri: collection.nextUri, unreadable };
}

/**
 * The first watched System Log event published from `since` to `until` (a bounded query, by
 * published time; not polling) whose uuid is not in `seen`, from one page of at most `limit`
 * events. Asked as a run reads the log: filtered by Okta, or unfiltered where the filter is refused.
 */
export async function firstUnseenEvent(client: Client, caller: OktaCaller, window: Readonly<{ since: string; until: string }>, seen: ReadonlySet<string>, limit = 100): Promise<LogEvent | undefined> {
  const page = async (filter: string | undefined): Promise<unknown[]> => {
    const items: unknown[] = [];
    const collection = await caller.call('read the System Log', () =>
      client.systemLogApi.listLogEvents({ since: window.since, until: window.until, sortOrder: 'ASCENDING', limit, ...(filter !== undefined ? { filter } : {}) }),
    );
    const next = () => caller.call('read the System Log', () => collection.next());
    // One page: a bounded query ends its listing, and one page is enough to tell.
    let item = await next();
    while (item.value) {
      items.push(item.value);
      if (item.done || items.length >= limit) break;
      item = await next();
    }
    return items;
  };
  let items: unknown[];
  try {
    items = await page(LOG_FILTER);
  } catch (err) {
    if (!(isRefusal(err) && err instanceof SyncError && err.status === 400)) throw err;
    items = await page(undefined);
  }
  for (const raw of items) {
    const event = toEvent(raw);
    if (event && isWatched(event.eventType) && !seen.has(event.uuid)) return event;
  }
  return undefined;
}

/** An event that could not be read is unreadable for the sync only if its type is one it watches, or cannot be told. */
function mayBeWatched(raw: unknown): boolean {
  const type = typeof raw === 'object' && raw !== null ? (raw as { eventType?: unknown }).eventType : undefined;
  return typeof type !== 'string' || isWatched(type);
}

const updatedSchema = z.object({ id: z.string().min(1), lastUpdated: z.string().nullish() }).loose();

/**
 * Users whose lastUpdated is after `sinceIso`, whatever their status (a filter shows DEPROVISIONED too).
 * A user listed without a readable lastUpdated (the spec requires none) is still read again, with
 * lastUpdated '': the watermark skips it, and it is not remembered as seen. One without an id cannot be read again.
 */
export async function listUpdatedSince(client: Client, caller: OktaCaller, sinceIso: string): Promise<UpdatedUser[]> {
  const users: UpdatedUser[] = [];
  await caller.drain('list users updated since the watermark', () => client.userApi.listUsers({ filter: `lastUpdated gt "${sinceIso}"`, limit: 200 }), (u) => {
    const parsed = updatedSchema.safeParse(plain(u));
    if (parsed.success) users.push({ id: parsed.data.id, lastUpdated: parsed.data.lastUpdated ?? '' });
  });
  return users;
}

/** Ids of the groups assigned to the app. */
export async function listAppGroupIds(client: Client, caller: OktaCaller, appId: string): Promise<string[]> {
  const ids: string[] = [];
  await caller.drain(`list groups of app ${appId}`, () => client.applicationApi.listApplicationGroupAssignments({ appId, limit: 200 }), (g) => {
    // A group left out would make its members' changes look outside the app.
    if (!g.id) throw unidentified(`a group of app ${appId}`);
    ids.push(g.id);
  });
  return ids;
}
