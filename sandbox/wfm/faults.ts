// Fault switches. `faults` is a plain mutable object so tests can set fields directly; the
// random mode keeps its PRNG per `random` object, so assigning a new object (or posting it
// again) replays the same sequence from its seed.
import { z } from 'zod';
import { mulberry32 } from '../prng';

export const FAULT_KINDS = ['429', '500', '503', 'timeout', 'reset', 'malformed-json', '412-on-put', 'lost-response'] as const;
export type WfmFaultKind = (typeof FAULT_KINDS)[number];
export type FaultApi = 'scim' | 'user-management';

/** A deterministic fault for the next `count` (default 1) matching requests. */
export type WfmFaultRule = {
  kind: WfmFaultKind;
  count?: number;
  /** HTTP methods, case-insensitive; all when absent. */
  methods?: string[];
  /** Compared with the raw request path, e.g. '/scim/v2/Users'. */
  pathPrefix?: string;
  api?: FaultApi;
  /** Retry-After for 429/503; defaults to faults.retryAfterSeconds. */
  retryAfterSeconds?: number;
};

export type WfmRandomFaults = {
  /** 0..1: share of matching requests that fail. */
  probability: number;
  seed: number;
  kinds: WfmFaultKind[];
  methods?: string[];
  pathPrefix?: string;
  api?: FaultApi;
};

export type WfmFaults = {
  /** Delay before every SCIM and user-management request is handled. */
  latencyMs: number;
  /** Retry-After sent with 429 and 503. */
  retryAfterSeconds: number;
  /** How long a `timeout` fault holds the request before destroying the socket. */
  timeoutMs: number;
  next: WfmFaultRule[];
  random: WfmRandomFaults | null;
  /** User ids the deactivate call reports in notDeletedUserIds (and leaves untouched). */
  failDeactivateIds: string[];
  /** GET /Users list answers carry resources without `id`. */
  listOmitsIds: boolean;
  /** Added to totalResults of GET /Users list answers. */
  listLiesTotal: number;
  /** Every GET /Users page after the first starts one resource early (repeats the previous page's last). */
  duplicateAcrossPages: boolean;
};

export const defaultFaults = (): WfmFaults => ({
  latencyMs: 0,
  retryAfterSeconds: 1,
  timeoutMs: 30_000,
  next: [],
  random: null,
  failDeactivateIds: [],
  listOmitsIds: false,
  listLiesTotal: 0,
  duplicateAcrossPages: false,
});

export const resetFaults = (faults: WfmFaults): void => {
  Object.assign(faults, defaultFaults());
};

/** Seeded PRNG: the same seed gives the same sequence, so failures replay. */
export { mulberry32 };

export type FaultRequest = { method: string; path: string; api: FaultApi };
export type PickedFault = { kind: WfmFaultKind; retryAfterSeconds: number };

const matches = (
  rule: { methods?: string[]; pathPrefix?: string; api?: FaultApi; kind?: WfmFaultKind },
  req: FaultRequest,
): boolean =>
  (rule.methods === undefined || rule.methods.some((m) => m.toUpperCase() === req.method)) &&
  (rule.pathPrefix === undefined || req.path.startsWith(rule.pathPrefix)) &&
  (rule.api === undefined || rule.api === req.api) &&
  // A 412-on-put fault only ever applies to a SCIM PUT.
  (rule.kind !== '412-on-put' || (req.method === 'PUT' && req.api === 'scim'));

const rngs = new WeakMap<WfmRandomFaults, () => number>();

/** Takes the fault (if any) for this request, consuming one-shot rules. */
export const pickFault = (faults: WfmFaults, req: FaultRequest): PickedFault | undefined => {
  const index = faults.next.findIndex((rule) => (rule.count ?? 1) > 0 && matches(rule, req));
  if (index >= 0) {
    const rule = faults.next[index];
    if (rule) {
      const left = (rule.count ?? 1) - 1;
      if (left <= 0) faults.next.splice(index, 1);
      else rule.count = left;
      return { kind: rule.kind, retryAfterSeconds: rule.retryAfterSeconds ?? faults.retryAfterSeconds };
    }
  }
  const random = faults.random;
  if (!random || random.kinds.length === 0 || !matches(random, req)) return undefined;
  let rng = rngs.get(random);
  if (!rng) {
    rng = mulberry32(random.seed);
    rngs.set(random, rng);
  }
  const hit = rng() < random.probability;
  const kind = random.kinds[Math.floor(rng() * random.kinds.length)];
  if (!hit || kind === undefined || !matches({ kind }, req)) return undefined;
  return { kind, retryAfterSeconds: faults.retryAfterSeconds };
};

const apiSchema = z.enum(['scim', 'user-management']);
const ruleSchema = z.object({
  kind: z.enum(FAULT_KINDS),
  count: z.number().int().positive().optional(),
  methods: z.array(z.string()).optional(),
  pathPrefix: z.string().optional(),
  api: apiSchema.optional(),
  retryAfterSeconds: z.number().int().nonnegative().optional(),
}).strict();

/** Body of POST /_sandbox/faults: every key optional; `reset` first restores the defaults. */
export const faultPatchSchema = z.object({
  reset: z.boolean().optional(),
  latencyMs: z.number().int().nonnegative().optional(),
  retryAfterSeconds: z.number().int().nonnegative().optional(),
  timeoutMs: z.number().int().positive().optional(),
  next: z.array(ruleSchema).optional(),
  /** Appended to the queue instead of replacing it. */
  push: z.array(ruleSchema).optional(),
  random: z.object({
    probability: z.number().min(0).max(1),
    seed: z.number().int(),
    kinds: z.array(z.enum(FAULT_KINDS)).min(1),
    methods: z.array(z.string()).optional(),
    pathPrefix: z.string().optional(),
    api: apiSchema.optional(),
  }).strict().nullable().optional(),
  failDeactivateIds: z.array(z.string()).optional(),
  listOmitsIds: z.boolean().optional(),
  listLiesTotal: z.number().int().optional(),
  duplicateAcrossPages: z.boolean().optional(),
}).strict();

export type WfmFaultPatch = z.infer<typeof faultPatchSchema>;

export const applyFaultPatch = (faults: WfmFaults, patch: WfmFaultPatch): void => {
  const { reset, push, ...rest } = patch;
  if (reset) resetFaults(faults);
  for (const [key, value] of Object.entries(rest)) {
    if (value !== undefined) Object.assign(faults, { [key]: value });
  }
  if (push) faults.next.push(...push);
};
