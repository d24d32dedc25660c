import { Client, DefaultRequestExecutor, type Collection } from '@okta/okta-sdk-nodejs';
import type { AppConfig } from '../config/load-config';
import { isTransient } from './errors';
import { mapOktaError } from './okta-errors';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry';

export type RateHeaders = { remaining?: number; limit?: number };
export type OktaStats = { requests: number; retries: number; byStatus: Record<string, number> };

type SdkResponse = { status: number; headers: { get(name: string): string | null } };

/** The official SDK client with every setting explicit, no cache, a timeout, and a response hook. */
export function createOktaClient(cfg: AppConfig['okta'], onResponse: (status: number, rate: RateHeaders) => void): Client {
  const executor = new DefaultRequestExecutor({ maxRetries: 3, requestTimeout: cfg.requestTimeoutMs });
  executor.on('response', (res: SdkResponse) => {
    const num = (name: string): number | undefined => {
      const v = res.headers.get(name);
      return v === null || v === '' ? undefined : Number(v);
    };
    const remaining = num('x-rate-limit-remaining');
    const limit = num('x-rate-limit-limit');
    onResponse(res.status, { ...(remaining !== undefined ? { remaining } : {}), ...(limit !== undefined ? { limit } : {}) });
  });
  // Every setting is passed explicitly so an okta.yaml or OKTA_CLIENT_* variable cannot change it.
  return new Client({
    orgUrl: cfg.orgUrl,
    authorizationMode: 'SSWS',
    token: cfg.apiToken.reveal(),
    cacheMiddleware: null,
    requestExecutor: executor,
  } as ConstructorParameters<typeof Client>[0]);
}

export type OktaCaller = {
  /** One SDK call, errors mapped into the taxonomy, transient ones retried (the SDK retries only 429s). */
  call<T>(what: string, fn: () => Promise<T>): Promise<T>;
  /** Every item of a collection; a page that failed transiently is fetched again. */
  drain<T>(what: string, open: () => Promise<Collection<T>>, onItem: (item: T) => void): Promise<void>;
};

export function createOktaCaller(policy: RetryPolicy = DEFAULT_RETRY, onRetry: () => void = () => undefined): OktaCaller {
  async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(
      async () => {
        try {
          return await fn();
        } catch (err) {
          throw mapOktaError(err, what);
        }
      },
      policy,
      isTransient,
      onRetry,
    );
  }
  return {
    call,
    async drain(what, open, onItem) {
      const collection = await call(what, open);
      for (;;) {
        // Collection.next() moves its cursor only after a page arrived, so a retry refetches that page.
        const result = await call(what, () => collection.next());
        if (result.value) onItem(result.value);
        if (result.done) return;
      }
    },
  };
}
