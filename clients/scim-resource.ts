import { z } from 'zod';
import { canonicalUser, scimNames, type ScimNames } from '../mappers/scim-canonical';
import type { ScimResource, WfmUser } from '../sync/types';
import { SyncError } from './errors';

// What the SCIM client reads from a WFM's answers: users (in any case, with the value forms some
// servers use), the id a write's answer names, and an error body's detail and scimType.

export const STANDARD_NAMES = scimNames();

/** `active` as some servers send it, the string "true" or "false": read as the boolean, anything else refused. */
const booleanText = (v: unknown): unknown => (typeof v === 'string' && /^(true|false)$/i.test(v) ? v.toLowerCase() === 'true' : v);

/**
 * An id, externalId or version some servers send as a JSON number (an integer key): read as its
 * text, the same identifier. A number that is not a safe integer is refused (its text would not be
 * the server's).
 */
const integerText = (v: unknown): unknown => (typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v);

const resourceSchema = z
  .object({
    id: z.preprocess(integerText, z.string().min(1)),
    userName: z.string().min(1),
    externalId: z.preprocess(integerText, z.string().nullish()),
    active: z.preprocess(booleanText, z.boolean().nullish()),
    meta: z.object({ version: z.preprocess(integerText, z.string().nullish()) }).loose().nullish(),
  })
  .loose();

/** A member of a body, its name matched in any case (RFC 7643 §2.1). */
function memberValue(body: Record<string, unknown>, name: string): unknown {
  return Object.entries(body).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}

/** A string member of an error body. */
function member(body: Record<string, unknown>, name: string): string | undefined {
  const found = memberValue(body, name);
  return typeof found === 'string' ? found : undefined;
}

/** The id a write's answer names, if any: all that some servers answer a POST or PUT with (`{"id": ...}`, `{schemas, id, meta}`). */
export function answeredId(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const id = integerText(memberValue(body as Record<string, unknown>, 'id'));
  return typeof id === 'string' && id !== '' ? id : undefined;
}

export function describeScimError(body: unknown): { detail?: string; scimType?: string } {
  if (typeof body === 'string') return { detail: body.slice(0, 200) };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  const detail = member(body as Record<string, unknown>, 'detail');
  const scimType = member(body as Record<string, unknown>, 'scimType');
  return { ...(detail !== undefined ? { detail } : {}), ...(scimType !== undefined ? { scimType } : {}) };
}

/** A user as read, its known attribute names in canonical case whatever case the WFM spells them in. */
export function toWfmUser(raw: unknown, etag?: string, names: ScimNames = STANDARD_NAMES): WfmUser {
  const parsed = resourceSchema.safeParse(canonicalUser(raw, names));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || 'resource'}: ${issue.message}` : 'not a User resource';
    throw new SyncError(`WFM SCIM returned a user the sync cannot trust (${where})`, { kind: 'invalid', service: 'wfm-scim' });
  }
  const r = parsed.data;
  const meta = r.meta?.version ?? undefined;
  return {
    id: r.id,
    userName: r.userName,
    externalId: r.externalId ?? undefined,
    active: r.active ?? true,
    // The ETag header is the entity-tag the server compares If-Match with (RFC 7232 §3.1);
    // meta.version should equal it (RFC 7643 §3.1), but some servers put a bare revision there.
    // A listing carries no header: its copies have meta.version.
    version: etag ?? meta,
    ...(etag !== undefined && meta !== undefined && meta !== etag ? { otherVersion: meta } : {}),
    readAt: Date.now(),
    raw: r as ScimResource,
  };
}

/** In a listing, a user the sync cannot read makes the whole listing untrusted, not one user bad. */
export function listedUser(raw: unknown, names: ScimNames): WfmUser {
  try {
    return toWfmUser(raw, undefined, names);
  } catch (err) {
    if (!(err instanceof SyncError)) throw err;
    throw new SyncError(`${err.message} in a listing: the listing cannot be trusted`, { kind: 'incomplete', service: 'wfm-scim' });
  }
}
