import { Client, type Collection } from '@okta/okta-sdk-nodejs';
import { createRequire } from 'node:module';
import type { AppConfig } from '../config/app-config';
import { SyncError, isTransient } from './errors';
import { OktaRequestExecutor, assertOrgOrigin, type RateHeaders } from './okta-executor';
import { mapOktaError } from './okta-errors';
import { nextLinkOf, onOrgUrl } from './okta-links';
import { signWithCurrentKey, signingKey } from './okta-token';
import { createThrottle, type Hold, type Throttle } from './okta-throttle';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry';

export type { RateHeaders } from './okta-executor';
export type OktaStats = { requests: number; retries: number; byStatus: Record<string, number>; pacerWaits?: number; pacerWaitedMs?: number };

/** What the SDK client needs; the settings beyond AppConfig's required ones have defaults. */
export type OktaClientConfig = Pick<AppConfig['okta'], 'orgUrl' | 'requestTimeoutMs'> &
  Partial<Pick<AppConfig['okta'], 'apiToken' | 'oauth' | 'concurrency' | 'rateReservePercent'>> &
  Readonly<{ now?: () => number; onHold?: (hold: Hold) => void }>;

export const DEFAULT_OKTA_CONCURRENCY = 4;
export const DEFAULT_RATE_RESERVE_PERCENT = 20;

/**
 * The SDK merges ~/.okta/okta.yaml and ./okta.yaml under the settings it is given. Ours override
 * every value, but an empty or malformed file makes `new Client` throw whatever we pass, so the
 * SDK's reader of those files (an internal of the pinned 8.1 release) is switched off. Should a
 * release move it, nothing is patched and the explicit settings still win over any valid file.
 */
function ignoreOktaYaml(): void {
  try {
    const sdk = createRequire(require.resolve('@okta/okta-sdk-nodejs'));
    const loader = sdk('./config-loader') as { ConfigLoader?: { prototype?: { applyYamlFile?: unknown } } };
    const proto = loader.ConfigLoader?.prototype;
    if (proto && typeof proto.applyYamlFile === 'function') proto.applyYamlFile = () => undefined;
  } catch {
    // not found in this release: see above
  }
}

/**
 * The official SDK client with every setting explicit (so an okta.yaml or OKTA_CLIENT_* variable
 * cannot change it, and no okta.yaml is read), no cache, and our request executor: timeout,
 * pacer, parallel-call cap and origin check. SSWS with OKTA_API_TOKEN, or an OAuth service app
 * (PrivateKey mode).
 */
export function createOktaClient(cfg: OktaClientConfig, onResponse: (status: number, rate: RateHeaders) => void): { client: Client; throttle: Throttle } {
  ignoreOktaYaml();
  const throttle = createThrottle({
    concurrency: cfg.concurrency ?? DEFAULT_OKTA_CONCURRENCY,
    reservePercent: cfg.rateReservePercent ?? DEFAULT_RATE_RESERVE_PERCENT,
    ...(cfg.onHold ? { onHold: cfg.onHold } : {}),
  });
  const requestExecutor = new OktaRequestExecutor({
    orgUrl: cfg.orgUrl,
    requestTimeoutMs: cfg.requestTimeoutMs,
    throttle,
    onResponse,
    ...(cfg.oauth === undefined && cfg.apiToken ? { apiToken: cfg.apiToken } : {}),
    ...(cfg.oauth ? { scopes: cfg.oauth.scopes, signingKey: () => (typeof client.privateKey === 'string' ? client.privateKey : undefined) } : {}),
  });
  const blank = { token: '', clientId: '', scopes: '', privateKey: '', keyId: '' };
  const common = { ...blank, orgUrl: cfg.orgUrl, cacheMiddleware: null, requestExecutor };
  let settings: Record<string, unknown>;
  if (cfg.oauth) {
    settings = {
      ...common,
      authorizationMode: 'PrivateKey',
      clientId: cfg.oauth.clientId,
      scopes: cfg.oauth.scopes.join(' '),
      privateKey: signingKey(cfg.oauth),
      keyId: cfg.oauth.keyId ?? '',
    };
  } else if (cfg.apiToken) {
    settings = { ...common, authorizationMode: 'SSWS', token: cfg.apiToken.reveal() };
  } else {
    throw new SyncError('OKTA_API_TOKEN: is required, or the service app settings OKTA_CLIENT_ID and OKTA_PRIVATE_KEY', { kind: 'config', service: 'okta' });
  }
  const client = new Client(settings as ConstructorParameters<typeof Client>[0]);
  if (cfg.oauth) signWithCurrentKey(client, cfg.oauth, cfg.now);
  return { client, throttle };
}

export type OktaCaller = {
  /** One SDK call, errors mapped into the taxonomy, transient ones retried (429 included: the pacer waits for the reset). */
  call<T>(what: string, fn: () => Promise<T>): Promise<T>;
  /** Every item of a collection; a page that failed transiently is fetched again. */
  drain<T>(what: string, open: () => Promise<Collection<T>>, onItem: (item: T) => void): Promise<void>;
};

/** Empty pages with a next link, in a row, after which a listing is taken to be going nowhere. */
export const MAX_EMPTY_PAGES = 50;

/** How often a listing still being read is told of (`onReading`): a long read is then never silent. */
export const READING_TOLD_MS = 30_000;

/** A listing read for READING_TOLD_MS or more: what it is, the items read so far, and for how long. */
export type Reading = Readonly<{ what: string; items: number; seconds: number }>;

/** The SDK's internals a page fetch goes through (Collection.fetch and the model factory of 8.1). */
type PageInternals = {
  fetch?: () => Promise<unknown>;
  factory?: { parseResponse?: (res: unknown) => Promise<unknown> };
};

type RawPage = { headers?: unknown; json?: () => Promise<unknown> };

/** The Link header of a page, from the SDK's ResponseContext (a plain object) or a fetch Response. */
function linkHeaderOf(res: RawPage): string | undefined {
  const headers = res.headers as { get?: unknown; link?: unknown } | undefined;
  if (headers === undefined || headers === null) return undefined;
  const value: unknown = typeof headers.get === 'function' ? (headers.get as (name: string) => unknown).call(headers, 'link') : headers.link;
  return typeof value === 'string' ? value : undefined;
}

/**
 * One page as the SDK's getNextPage reads it, with our reading of its Link header (okta-links.ts):
 * any header length, one or several headers, relative links. Answers undefined when the SDK's
 * internals are not there (another release): its own reading then stands.
 */
function pageReader<T>(collection: Collection<T>): ((pageUrl: string) => Promise<{ items: unknown; next: string | undefined }>) | undefined {
  const internals = collection as unknown as PageInternals;
  const { fetch, factory } = internals;
  const parse = factory?.parseResponse;
  if (typeof fetch !== 'function' || typeof parse !== 'function') return undefined;
  return async (pageUrl) => {
    const res = (await fetch.call(collection)) as RawPage;
    const next = nextLinkOf(linkHeaderOf(res), pageUrl);
    const items = typeof res.json === 'function' ? await res.json() : await parse.call(factory, res);
    return { items, next };
  };
}

/** The SDK's request of a collection (RequestContext of 8.1), as far as its URL goes. */
type PageRequest = { setUrl?: (url: string) => void; getUrl?: () => string; url?: unknown };

/**
 * A next link is opaque: it is followed as the server wrote it. The SDK parses it and writes it
 * again (url-parse), which sends a `+` in a cursor as a space and keeps only the first of a
 * repeated parameter; the page request sends the link's own text instead. Left as it is when the
 * SDK's internals are not there (another release).
 */
function sendLinksVerbatim(collection: Collection<unknown>): void {
  const request = (collection as unknown as { request?: PageRequest }).request;
  if (typeof request?.setUrl !== 'function' || typeof request.getUrl !== 'function') return;
  const setUrl = request.setUrl.bind(request);
  const getUrl = request.getUrl.bind(request);
  let sent: string | undefined;
  request.setUrl = (url: string) => {
    setUrl(url);
    sent = url;
    // The SDK's Http sends `url.href`, written when the link was parsed.
    if (typeof request.url === 'object' && request.url !== null && 'href' in request.url) (request.url as { href: string }).href = url;
  };
  request.getUrl = () => sent ?? getUrl();
}

/** `onLinkMoved`: told of each next link moved onto OKTA_ORG_URL from another origin. */
export type PagingOptions = { repeated?: 'end' | 'checkpoint'; onLinkMoved?: (link: MovedLink) => void };
export type MovedLink = { from: string; to: string };

/**
 * The SDK moves a collection's cursor to the next link before it parses the page, so a page whose
 * body failed to parse would be skipped on retry (or end the listing early, when it had no link):
 * a silently short pull. This reads each page's next link itself (see okta-links.ts), puts the
 * cursor back when fetching a page fails, and moves a next link on another origin onto OKTA_ORG_URL
 * (onOrgUrl) before anything is kept. A page that links to itself after bringing items ends the listing
 * (`repeated: 'checkpoint'`: the read stops with that link kept as the next one, as the System
 * Log's polling needs); a link back to an earlier page fails it.
 */
export function guardPaging<T>(collection: Collection<T>, orgUrl: string, opts: PagingOptions = {}): Collection<T> {
  sendLinksVerbatim(collection);
  /** The next link on OKTA_ORG_URL (see onOrgUrl), told to `onLinkMoved` when it was elsewhere. */
  const onOrg = (link: string | undefined): string | undefined => {
    if (link === undefined) return undefined;
    const { url, from } = onOrgUrl(link, orgUrl);
    if (from !== undefined) opts.onLinkMoved?.({ from, to: new URL(orgUrl).origin });
    assertOrgOrigin(url, orgUrl);
    return url;
  };
  const sdkPage = collection.getNextPage.bind(collection);
  const readPage = pageReader(collection);
  /** The pages this listing read that brought items, with how many. */
  const served = new Map<string, number>();
  /** The page read last. */
  let previous: string | undefined;
  collection.getNextPage = async () => {
    const before = collection.nextUri;
    const count = before === undefined ? undefined : served.get(before);
    if (before && count !== undefined) {
      // A next link back to a page that brought items would be followed forever. A last page that
      // links to itself (or an inclusive cursor that keeps serving its last item) ends the listing
      // there, every page read once; the System Log keeps that link as its checkpoint, unless the
      // page was full (the items after it could never be reached). A link back to an earlier page
      // leaves the pages after the loop unread: the listing cannot be trusted.
      const full = count >= Number(new URL(before).searchParams.get('limit') ?? Infinity);
      if (before !== previous || (opts.repeated === 'checkpoint' && full)) {
        throw new SyncError(`Okta's next link went back to a page already read (${before}): the listing cannot be trusted`, { kind: 'incomplete', service: 'okta' });
      }
      if (opts.repeated !== 'checkpoint') (collection as { nextUri: string | undefined }).nextUri = undefined;
      return [] as unknown as Awaited<ReturnType<Collection<T>['getNextPage']>>;
    }
    const read = async (): Promise<Awaited<ReturnType<Collection<T>['getNextPage']>>> => {
      if (readPage === undefined || !before) {
        const page = await sdkPage();
        (collection as { nextUri: string | undefined }).nextUri = onOrg(collection.nextUri);
        return page;
      }
      const { items, next } = await readPage(before);
      (collection as { nextUri: string | undefined }).nextUri = onOrg(next);
      return items as Awaited<ReturnType<Collection<T>['getNextPage']>>;
    };
    try {
      const items = await read();
      if (before && Array.isArray(items) && items.length > 0) served.set(before, items.length);
      previous = before;
      return items;
    } catch (err) {
      collection.nextUri = before;
      throw err;
    }
  };
  return collection;
}

export function createOktaCaller(
  policy: RetryPolicy = DEFAULT_RETRY,
  onRetry: () => void = () => undefined,
  opts: { orgUrl?: string; authHint?: string; requestTimeoutMs?: number; onLinkMoved?: (link: MovedLink) => void; onReading?: (reading: Reading) => void; now?: () => number } = {},
): OktaCaller {
  const now = opts.now ?? Date.now;
  async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(
      async () => {
        try {
          return await fn();
        } catch (err) {
          const mapped = mapOktaError(err, what, opts.requestTimeoutMs, opts.orgUrl);
          if (mapped.kind === 'auth' && opts.authHint && mapped.status !== undefined) {
            throw new SyncError(`${mapped.message}: ${opts.authHint}`, { kind: 'auth', service: 'okta', status: mapped.status });
          }
          throw mapped;
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
      const opened = await call(what, open);
      const collection = opts.orgUrl !== undefined ? guardPaging(opened, opts.orgUrl, opts.onLinkMoved ? { onLinkMoved: opts.onLinkMoved } : {}) : opened;
      let emptyInARow = 0;
      let items = 0;
      const started = now();
      let told = started;
      for (;;) {
        const result = await call(what, () => collection.next());
        if (result.value) {
          onItem(result.value);
          items += 1;
        }
        if (result.done) return;
        // A listing of a very large org, a slow Okta, or one whose next links never end: said
        // every READING_TOLD_MS, so that a run reading for long is not taken for a hung one.
        if (opts.onReading && now() - told >= READING_TOLD_MS) {
          told = now();
          opts.onReading({ what, items, seconds: Math.round((told - started) / 1000) });
        }
        // An empty page with a next link is allowed; a listing that only ever answers those (only
        // the System Log polls that way, and it is not read here) would never end.
        emptyInARow = result.value ? 0 : emptyInARow + 1;
        if (emptyInARow > MAX_EMPTY_PAGES) {
          throw new SyncError(`Okta ${what}: ${MAX_EMPTY_PAGES} empty pages in a row, each with a next link: the listing cannot be trusted`, { kind: 'incomplete', service: 'okta' });
        }
      }
    },
  };
}
