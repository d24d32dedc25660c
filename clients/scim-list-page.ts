import { z } from 'zod';
import { canonicalListResponse, LIST_RESPONSE_URN } from '../mappers/scim-canonical';
import { SyncError } from './errors';

export type ScimPage<T> = {
  /** totalResults: required when paging by startIndex; a server paging by cursor may leave it out (RFC 9865 §2). */
  total?: number;
  resources: T[];
  /** RFC 9865: the cursor of the next page, absent on the last one. */
  nextCursor?: string;
};

/** A listing (or search) refused as untrustworthy: `what` it is, and why. */
export function untrusted(what: string, detail: string): SyncError {
  return new SyncError(`WFM SCIM ${what} ${detail}: the listing cannot be trusted`, { kind: 'incomplete', service: 'wfm-scim' });
}

/** Where a page starts: at a 1-based index (RFC 7644 §3.4.2.4), or at a cursor (RFC 9865; '' for the first page). */
export type PageAt = { startIndex: number } | { cursor: string };

/** A whole number, also as a JSON string of digits (a server that writes every value as a string). */
const wholeNumber = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]);

/**
 * RFC 7643 §2.5: null is the same as absent, so an empty page may send `Resources: null`.
 * startIndex and itemsPerPage are not read (pages go by the resources actually answered), so
 * whatever a server writes there is accepted. totalResults may be left out of a page asked by
 * cursor, or carrying a nextCursor (RFC 9865 §2); a nextCursor that is null or empty is none.
 */
const listSchema = z
  .object({
    totalResults: wholeNumber.nullish(),
    Resources: z.array(z.unknown()).nullish(),
    nextCursor: z.string().nullish(),
  })
  .loose();

const notAList = (why: string): SyncError => new SyncError(`WFM SCIM GET /Users ${why}`, { kind: 'incomplete', service: 'wfm-scim' });

/** A GET /Users answer asked `at`, its resources read by `toUser`; refused (incomplete) when it is no ListResponse. */
export function readListPage<T>(body: unknown, at: PageAt, toUser: (raw: unknown) => T): ScimPage<T> {
  const parsed = listSchema.safeParse(canonicalListResponse(body));
  if (!parsed.success) throw notAList('did not answer a ListResponse');
  const { schemas } = parsed.data;
  if (Array.isArray(schemas) && !schemas.includes(LIST_RESPONSE_URN)) throw notAList('answered a body that is not a ListResponse');
  const total = parsed.data.totalResults ?? undefined;
  const nextCursor = parsed.data.nextCursor || undefined;
  if (total === undefined && nextCursor === undefined && !('cursor' in at)) throw notAList('did not answer a ListResponse (no totalResults)');
  return {
    ...(total !== undefined ? { total } : {}),
    ...(nextCursor !== undefined ? { nextCursor } : {}),
    resources: (parsed.data.Resources ?? []).map(toUser),
  };
}
