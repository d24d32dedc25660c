import { isSyncError } from '../clients/errors';
import type { ScimResource } from './types';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:user';

/**
 * The schema extension a WFM refused a write for (a 400 whose message names an extension URN the
 * body carries, on its own rather than one of its attributes: `Unknown schema urn:...:User`), if
 * any: a strict server without that extension refuses it where another would drop it.
 */
export function refusedExtension(err: unknown, body: Readonly<ScimResource>): string | undefined {
  if (!isSyncError(err) || err.status !== 400) return undefined;
  const message = err.message.toLowerCase();
  return Object.keys(body).find((key) => {
    const urn = key.toLowerCase();
    if (!urn.startsWith('urn:') || urn === CORE_USER) return false;
    const at = message.indexOf(urn);
    return at >= 0 && message[at + urn.length] !== ':';
  });
}

/** The body without that extension: its object and its `schemas` entry. */
export function withoutExtension(body: Readonly<ScimResource>, urn: string): ScimResource {
  const { [urn]: _dropped, ...rest } = body;
  const schemas = Array.isArray(body.schemas) ? (body.schemas as unknown[]).filter((s) => typeof s !== 'string' || s.toLowerCase() !== urn.toLowerCase()) : body.schemas;
  return { ...rest, ...(schemas !== undefined ? { schemas } : {}) };
}

/**
 * Sends a write; when the WFM refuses an extension it does not know, sends it again without that
 * extension (one at a time, each at most once). The answer then lacks its attributes, which the
 * run takes for attributes the WFM does not keep (sync/unkept.ts), and leaves out from then on.
 */
export async function sendDroppingRefused<T>(body: Readonly<ScimResource>, send: (body: ScimResource) => Promise<T>): Promise<T> {
  let current: ScimResource = { ...body };
  for (;;) {
    try {
      return await send(current);
    } catch (err) {
      const urn = refusedExtension(err, current);
      if (urn === undefined) throw err;
      current = withoutExtension(current, urn);
    }
  }
}
