/**
 * The incremental sync's cursor: where the next run reads the System Log and `lastUpdated` from,
 * and how it moves once a run's writes are done. Pure: time comes in as a parameter.
 */
import type { LogEvent, UpdatedUser } from './incremental';

export type IncrementalCursor = Readonly<{
  version: 1;
  /** When the full sync this chain of runs started from began. */
  baselineAt: string;
  /** Where the System Log is read from while there is no next link yet. */
  logSince: string;
  /** The System Log next link kept from the last read: the checkpoint. */
  logNext?: string;
  /**
   * Okta's time of the newest event the System Log reads returned, or when the chain of runs began:
   * a checkpoint that returns nothing while the log holds newer events is stuck (see checkpointProbe).
   */
  logEventAt?: string;
  /** uuids of the latest events read, so an event seen twice is handled once. */
  seenUuids: readonly string[];
  /** The newest user lastUpdated seen. */
  watermark: string;
  /** Users already handled with their lastUpdated, within the overlap window before the watermark. */
  recent: Readonly<Record<string, string>>;
  /** Okta ids whose write failed in the last run: read again by the next one. */
  retry: readonly string[];
  savedAt: string;
}>;

export type CursorOptions = Readonly<{
  /** `lastUpdated gt` is asked from this long before the watermark: same-second and late changes. */
  overlapMs: number;
  keepUuids: number;
  /** A cursor older than this is past the System Log's retention (90 days): start over from a full sync. */
  maxAgeMs: number;
}>;

export const DEFAULT_CURSOR_OPTIONS: CursorOptions = { overlapMs: 120_000, keepUuids: 1000, maxAgeMs: 80 * 24 * 3600 * 1000 };

const iso = (ms: number): string => new Date(ms).toISOString();
const ms = (text: string): number => Date.parse(text);

/** The cursor after a full sync that started at `startedAtMs`: changes from then on are read. */
export function baselineCursor(startedAtMs: number, now: number, retry: readonly string[], opts: CursorOptions = DEFAULT_CURSOR_OPTIONS): IncrementalCursor {
  return {
    version: 1,
    baselineAt: iso(startedAtMs),
    logSince: iso(startedAtMs - opts.overlapMs),
    logEventAt: iso(startedAtMs),
    seenUuids: [],
    watermark: iso(startedAtMs),
    recent: {},
    retry: [...retry],
    savedAt: iso(now),
  };
}

export function needsBaseline(cursor: IncrementalCursor | undefined, now: number, opts: CursorOptions = DEFAULT_CURSOR_OPTIONS): boolean {
  return cursor === undefined || !(now - ms(cursor.savedAt) <= opts.maxAgeMs);
}

/** The `lastUpdated gt` bound of the next read. */
export function updatedSince(cursor: IncrementalCursor, opts: CursorOptions = DEFAULT_CURSOR_OPTIONS): string {
  return iso(ms(cursor.watermark) - opts.overlapMs);
}

/** Events not handled yet: neither in the cursor nor earlier in the same read. */
export function freshEvents(events: readonly LogEvent[], seenUuids: readonly string[]): LogEvent[] {
  const seen = new Set(seenUuids);
  return events.filter((e) => {
    if (seen.has(e.uuid)) return false;
    seen.add(e.uuid);
    return true;
  });
}

/** Changed users not handled yet: the overlap window lists again those a run already saw. */
export function freshUpdates(updated: readonly UpdatedUser[], recent: Readonly<Record<string, string>>): string[] {
  return [...new Set(updated.filter((u) => recent[u.id] !== u.lastUpdated).map((u) => u.id))];
}

/** How long after it was published an event is surely in Okta's log, and returned by a checkpoint read after that. */
export const LOG_SETTLE_MS = 15 * 60_000;

/**
 * The System Log window to look into when a checkpoint read returned no new event: from just after
 * the newest event the reads ever returned to LOG_SETTLE_MS before Okta's now. An event published
 * in it that the checkpoint never returned shows the checkpoint stuck (pointing where the log no
 * longer goes, as after an Okta reseeded or restored under a live Redis). Undefined when there is
 * nothing to look at: no checkpoint, new events read, or no settled time since the last one.
 */
export function checkpointProbe(cursor: IncrementalCursor, freshCount: number, oktaNow: number): { since: string; until: string } | undefined {
  if (cursor.logNext === undefined || cursor.logEventAt === undefined || freshCount > 0) return undefined;
  const since = ms(cursor.logEventAt) + 1;
  const until = oktaNow - LOG_SETTLE_MS;
  return since < until ? { since: iso(since), until: iso(until) } : undefined;
}

/** The newest time an event was published at, no later than `latestMs`; NaN when none tells. */
function newestPublished(events: readonly LogEvent[], latestMs: number): number {
  // A loop, not Math.max(...): a read after a long outage may hold more events than a call takes arguments.
  let newest = Number.NaN;
  for (const e of events) {
    const at = ms(e.published);
    if (Number.isFinite(at) && !(at <= newest)) newest = Math.min(at, latestMs);
  }
  return newest;
}

/**
 * Where the next System Log read starts. Okta's polling answers always end with a next link, the
 * checkpoint. A read that ended without one (a server that ends the listing when caught up) but
 * read events moves `since` to just before the newest of them (uuids drop the repeats), so later
 * runs neither read from the same old point again and again nor miss what comes next.
 */
function nextLogStart(
  cursor: IncrementalCursor,
  read: Readonly<{ logNext: string | undefined; events: readonly LogEvent[] }>,
  latestMs: number,
  opts: CursorOptions,
): { logSince: string; logNext: string | undefined } {
  if (read.logNext !== undefined) return { logSince: cursor.logSince, logNext: read.logNext };
  const newest = newestPublished(read.events, latestMs);
  if (!Number.isFinite(newest)) return { logSince: cursor.logSince, logNext: cursor.logNext };
  return { logSince: iso(Math.max(ms(cursor.logSince), newest - opts.overlapMs)), logNext: undefined };
}

/**
 * The cursor once a run's writes are done. A run that read every in-scope user instead of the
 * changes, because the stored checkpoint could not be used (`baselineAt`: when that began), starts
 * the cursor over from then, as a full sync does.
 */
export function advanceCursor(
  cursor: IncrementalCursor,
  read: Readonly<{ logNext: string | undefined; events: readonly LogEvent[]; updated: readonly UpdatedUser[]; baselineAt?: string }>,
  retry: readonly string[],
  now: number,
  opts: CursorOptions = DEFAULT_CURSOR_OPTIONS,
): IncrementalCursor {
  if (read.baselineAt !== undefined) return baselineCursor(ms(read.baselineAt), now, retry, opts);
  // A time stamped ahead of the clock (a skewed or imported record) would move the reads past every
  // change to come: the cursor moves no further than now (Okta's clock, when it is behind ours).
  const latestMs = now;
  let watermarkMs = ms(cursor.watermark);
  for (const u of read.updated) {
    const at = ms(u.lastUpdated);
    if (Number.isFinite(at) && at > watermarkMs) watermarkMs = at;
  }
  watermarkMs = Math.min(watermarkMs, latestMs);
  const recent: Record<string, string> = {};
  for (const [id, at] of [...Object.entries(cursor.recent), ...read.updated.map((u) => [u.id, u.lastUpdated] as const)]) {
    if (ms(at) > watermarkMs - opts.overlapMs) recent[id] = at;
  }
  const uuids = [...new Set([...cursor.seenUuids, ...read.events.map((e) => e.uuid)])];
  const { logSince, logNext } = nextLogStart(cursor, read, latestMs, opts);
  // A cursor kept before this was recorded starts it from now.
  const keptEventMs = cursor.logEventAt === undefined ? latestMs : ms(cursor.logEventAt);
  const newest = newestPublished(read.events, latestMs);
  const logEventMs = newest > keptEventMs ? newest : keptEventMs;
  return {
    version: 1,
    baselineAt: cursor.baselineAt,
    logSince,
    ...(logNext !== undefined ? { logNext } : {}),
    logEventAt: iso(logEventMs),
    seenUuids: uuids.slice(-opts.keepUuids),
    watermark: iso(watermarkMs),
    recent,
    retry: [...new Set(retry)],
    savedAt: iso(now),
  };
}
