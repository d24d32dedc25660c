// Attributes a PUT leaves as they were created (config.keptAsCreated), as some SCIM servers do:
// Zoom's SCIM API answers 200 to a PUT that changes userName or displayName, and keeps the old
// ones. The PUT is otherwise carried out; its answer holds the values kept. Names are RFC 7644
// §3.10 paths ('userName', 'emails', 'name.givenName', '<urn>:department'), compared ignoring case.
import { isRecord } from './schema';

const keyOf = (obj: Record<string, unknown>, lowerName: string): string | undefined => Object.keys(obj).find((k) => k.toLowerCase() === lowerName);

/** The keys of a name, from the attributes' root: an extension's URN first. */
const segmentsOf = (name: string): string[] => {
  const lower = name.toLowerCase();
  const cut = lower.startsWith('urn:') ? lower.lastIndexOf(':') : -1;
  return [...(cut < 0 ? [] : [lower.slice(0, cut)]), ...lower.slice(cut + 1).split('.')];
};

/** `sent` with the value `held` has at `segments` (or none, where it has none); copies what it changes. */
const keep = (sent: Record<string, unknown>, held: Record<string, unknown>, segments: readonly string[]): Record<string, unknown> => {
  const [first, ...rest] = segments;
  if (first === undefined) return sent;
  const heldKey = keyOf(held, first);
  const sentKey = keyOf(sent, first);
  const heldValue = heldKey === undefined ? undefined : held[heldKey];
  const out = { ...sent };
  if (sentKey !== undefined) delete out[sentKey];
  const key = heldKey ?? sentKey ?? first;
  if (rest.length === 0) {
    if (heldValue !== undefined) out[key] = structuredClone(heldValue);
    return out;
  }
  const inner = keep(isRecord(sentKey === undefined ? undefined : sent[sentKey]) ? (sent[sentKey as string] as Record<string, unknown>) : {}, isRecord(heldValue) ? heldValue : {}, rest);
  if (Object.keys(inner).length > 0) out[key] = inner;
  return out;
};

/** The attributes a PUT stores: those sent, but the ones named kept as `held` has them. */
export const keptAsCreated = (sent: Record<string, unknown>, held: Record<string, unknown>, names: readonly string[]): Record<string, unknown> =>
  names.reduce((out, name) => keep(out, held, segmentsOf(name)), sent);
