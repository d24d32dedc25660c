import { z } from 'zod';
import { mulberry32, type Random } from './random';

export const RANDOM_FAULT_KINDS = ['rateLimit', 'concurrencyLimit', 'serverError', 'invalidJson', 'latency'] as const;
export type RandomFaultKind = (typeof RANDOM_FAULT_KINDS)[number];

/** Switches that make the sandbox misbehave the way Okta sometimes does. Counters count down per /api/v1 request. */
export type OktaFaults = {
  /** Added to every /api/v1 answer. */
  latencyMs: number;
  /** The next n requests answer 429 with X-Rate-Limit-Reset a second or two ahead (the SDK waits and retries). */
  rateLimitNext: number;
  /** The next n requests answer 429 with X-Rate-Limit-Limit: 0, like Okta's concurrency limit. */
  concurrencyLimitNext: number;
  /** The next n requests answer serverErrorStatus. */
  serverErrorNext: number;
  serverErrorStatus: 500 | 502 | 503;
  /** The next n token requests (POST /oauth2/v1/token) answer 429, with X-Rate-Limit-Reset a second or two ahead. */
  tokenRateLimitNext: number;
  /** The next n token requests answer serverErrorStatus. */
  tokenServerErrorNext: number;
  /** When set to k, page k+1 (and later) of every paged list answers 500: a pull that breaks mid-way. */
  breakPageAfter: number | null;
  /** The next n requests answer 200 with a truncated JSON body. */
  invalidJsonNext: number;
  /** The next n requests get no answer: the socket stays open for hangMs, then is closed (a client with a timeout times out). */
  hangNext: number;
  hangMs: number;
  /** The next n requests have their connection destroyed without any answer, as a connection reset. */
  dropNext: number;
  /**
   * The next n pages of a paged list (not the System Log) answer an empty array with a next link
   * to the same cursor: the client must follow it and skip the empty page.
   */
  emptyPageNext: number;
  /** Next links point at another origin. */
  foreignNextLink: boolean;
  /** Users carry big custom attributes (pages over 64 KB). */
  largeProfiles: boolean;
  /** Paths under /api/v1 (regular expressions, whole path) this service lacks: answered 404, as by an Okta implementation without them. */
  withoutRoutes: string[];
  /** Random faults of the chosen kinds, each request with this probability, from a seeded source. */
  random: { probability: number; seed: number; kinds: RandomFaultKind[] } | null;
};

export const FOREIGN_ORIGIN = 'https://foreign-okta.invalid';

export function defaultFaults(): OktaFaults {
  return {
    latencyMs: 0,
    rateLimitNext: 0,
    concurrencyLimitNext: 0,
    serverErrorNext: 0,
    serverErrorStatus: 500,
    tokenRateLimitNext: 0,
    tokenServerErrorNext: 0,
    breakPageAfter: null,
    invalidJsonNext: 0,
    hangNext: 0,
    hangMs: 30_000,
    dropNext: 0,
    emptyPageNext: 0,
    foreignNextLink: false,
    largeProfiles: false,
    withoutRoutes: [],
    random: null,
  };
}

const count = z.number().int().min(0);

const isRegExp = (source: string): boolean => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
};

/** What POST /_sandbox/faults accepts: any subset of the switches. */
export const faultsPatchSchema = z.object({
  latencyMs: count.optional(),
  rateLimitNext: count.optional(),
  concurrencyLimitNext: count.optional(),
  serverErrorNext: count.optional(),
  serverErrorStatus: z.union([z.literal(500), z.literal(502), z.literal(503)]).optional(),
  tokenRateLimitNext: count.optional(),
  tokenServerErrorNext: count.optional(),
  breakPageAfter: count.nullable().optional(),
  invalidJsonNext: count.optional(),
  hangNext: count.optional(),
  hangMs: z.number().int().min(1).optional(),
  dropNext: count.optional(),
  emptyPageNext: count.optional(),
  foreignNextLink: z.boolean().optional(),
  largeProfiles: z.boolean().optional(),
  withoutRoutes: z.array(z.string().refine(isRegExp, 'must be a regular expression')).optional(),
  random: z.object({
    probability: z.number().min(0).max(1),
    seed: z.number().int().default(1),
    kinds: z.array(z.enum(RANDOM_FAULT_KINDS)).min(1),
  }).nullable().optional(),
}).strict();

export type FaultsPatch = z.infer<typeof faultsPatchSchema>;

export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'rateLimit' }
  | { kind: 'concurrencyLimit' }
  | { kind: 'serverError'; status: number }
  | { kind: 'invalidJson' }
  | { kind: 'hang'; ms: number }
  | { kind: 'drop' };

export type FaultEngine = {
  /** The live switches: tests may also set them directly. */
  readonly faults: OktaFaults;
  apply(patch: FaultsPatch): void;
  reset(): void;
  /** Consumes the counters for one /api/v1 request: the latency to add and what, if anything, goes wrong. */
  decide(): { latencyMs: number; fault: FaultDecision };
  /** Consumes emptyPageNext for one page of a paged list: whether that page answers empty. */
  emptyPage(): boolean;
  /** Consumes the token endpoint's counters for one token request: what, if anything, goes wrong. */
  decideToken(): FaultDecision;
};

export function createFaultEngine(faults: OktaFaults = defaultFaults()): FaultEngine {
  let rand: Random | null = null;
  let randSeed: number | null = null;

  const randomFault = (): { latencyMs: number; fault: FaultDecision } => {
    const r = faults.random;
    const none = { latencyMs: 0, fault: { kind: 'none' } as FaultDecision };
    if (!r) return none;
    if (!rand || randSeed !== r.seed) {
      rand = mulberry32(r.seed);
      randSeed = r.seed;
    }
    if (rand() >= r.probability) return none;
    const kind = r.kinds[Math.min(r.kinds.length - 1, Math.floor(rand() * r.kinds.length))] ?? 'latency';
    if (kind === 'latency') return { latencyMs: 50 + Math.floor(rand() * 450), fault: { kind: 'none' } };
    if (kind === 'serverError') return { latencyMs: 0, fault: { kind: 'serverError', status: rand() < 0.5 ? 500 : 503 } };
    return { latencyMs: 0, fault: { kind } };
  };

  type Countdown =
    | 'rateLimitNext'
    | 'concurrencyLimitNext'
    | 'serverErrorNext'
    | 'tokenRateLimitNext'
    | 'tokenServerErrorNext'
    | 'invalidJsonNext'
    | 'hangNext'
    | 'dropNext'
    | 'emptyPageNext';
  /** Consumes one of a count-down switch: true while it had any left. */
  const take = (key: Countdown): boolean => {
    if (faults[key] <= 0) return false;
    faults[key] -= 1;
    return true;
  };

  const counted = (): FaultDecision | null => {
    if (take('rateLimitNext')) return { kind: 'rateLimit' };
    if (take('concurrencyLimitNext')) return { kind: 'concurrencyLimit' };
    if (take('serverErrorNext')) return { kind: 'serverError', status: faults.serverErrorStatus };
    if (take('invalidJsonNext')) return { kind: 'invalidJson' };
    if (take('hangNext')) return { kind: 'hang', ms: faults.hangMs };
    if (take('dropNext')) return { kind: 'drop' };
    return null;
  };

  return {
    faults,
    apply(patch) {
      for (const [key, value] of Object.entries(patch)) {
        if (value !== undefined) Object.assign(faults, { [key]: value });
      }
      rand = null;
    },
    reset() {
      Object.assign(faults, defaultFaults());
      rand = null;
    },
    decide() {
      const fault = counted();
      const random = randomFault();
      return { latencyMs: faults.latencyMs + random.latencyMs, fault: fault ?? random.fault };
    },
    emptyPage: () => take('emptyPageNext'),
    decideToken() {
      if (take('tokenRateLimitNext')) return { kind: 'rateLimit' };
      if (take('tokenServerErrorNext')) return { kind: 'serverError', status: faults.serverErrorStatus };
      return { kind: 'none' };
    },
  };
}
