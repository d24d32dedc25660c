import { Client, DefaultRequestExecutor, type Collection } from '@okta/okta-sdk-nodejs';
import { z } from 'zod';
import type { AppConfig } from '../config/load-config';
import type { OktaUser, Rejected } from '../sync/types';
import { SyncError, isTransient } from './errors';
import { mapOktaError } from './okta-errors';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry';

export type OktaSourceConfig = AppConfig['okta'] &
  Readonly<{
  retry?: Partial<RetryPolicy>;
  onResponse?: (status: number, headers: { remaining?: number; limit?: number }) => void;
}>;

export type OktaPullCounts = { appUsers: number; inScope: number; outOfScope: number; rejected: number; supervisors: number };
export type OktaPull = { users: OktaUser[]; rejected: Rejected[]; counts: OktaPullCounts };

export type OktaSource = {
  /** The users assigned to the app (directly or through a group) whose status is in scope. */
  pullInScope(): Promise<OktaPull>;
  stats(): { requests: number; retries: number; byStatus: Record<string, number> };
};

const userSchema = z
  .object({
    id: z.string().min(1),
    status: z.string().min(1),
    profile: z.object({ login: z.string().min(1) }).loose(),
  })
  .loose();

type SdkResponse = { status: number; headers: { get(name: string): string | null } };

export function createOktaClient(cfg: OktaSourceConfig): Client {
  const executor = new DefaultRequestExecutor({ maxRetries: 3, requestTimeout: cfg.requestTimeoutMs });
  executor.on('response', (res: SdkResponse) => {
    const num = (name: string): number | undefined => {
      const v = res.headers.get(name);
      return v === null || v === '' ? undefined : Number(v);
    };
    cfg.onResponse?.(res.status, {
      ...(num('x-rate-limit-remaining') !== undefined ? { remaining: num('x-rate-limit-remaining') } : {}),
      ...(num('x-rate-limit-limit') !== undefined ? { limit: num('x-rate-limit-limit') } : {}),
    });
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

export function createOktaSource(cfg: OktaSourceConfig): OktaSource {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, maxRetries: 4, ...cfg.retry };
  const stats = { requests: 0, retries: 0, byStatus: {} as Record<string, number> };
  const client = createOktaClient({
    ...cfg,
    onResponse: (status, rate) => {
      stats.requests += 1;
      stats.byStatus[String(status)] = (stats.byStatus[String(status)] ?? 0) + 1;
      cfg.onResponse?.(status, rate);
    },
  });
  const onRetry = (): void => {
    stats.retries += 1;
  };

  /** Our own retry of transient failures (the SDK retries only 429s); a failed page is fetched again. */
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

  async function drain<T>(what: string, open: () => Promise<Collection<T>>, onItem: (item: T) => void): Promise<void> {
    const collection = await call(what, open);
    for (;;) {
      // Collection.next() moves its cursor only after a page arrived, so a retry refetches that page.
      const result = await call(what, () => collection.next());
      if (result.value) onItem(result.value);
      if (result.done) return;
    }
  }

  async function supervisorIds(): Promise<{ byUser: Map<string, string[]> }> {
    const byUser = new Map<string, string[]>();
    for (const name of cfg.supervisorGroups) {
      const groupIds: string[] = [];
      await drain(
        `list groups named "${name}"`,
        () => client.groupApi.listGroups({ q: name, limit: 200 }),
        (g) => {
          if (g.profile?.name === name && g.id) groupIds.push(g.id);
        },
      );
      if (groupIds.length === 0) {
        throw new SyncError(`SUPERVISOR_GROUPS: Okta has no group named "${name}"`, { kind: 'config', service: 'okta' });
      }
      for (const groupId of groupIds) {
        await drain(
          `list members of group "${name}"`,
          () => client.groupApi.listGroupUsers({ groupId, limit: 1000 }),
          (u) => {
            if (!u.id) return;
            const groups = byUser.get(u.id) ?? [];
            if (!groups.includes(name)) groups.push(name);
            byUser.set(u.id, groups);
          },
        );
      }
    }
    return { byUser };
  }

  return {
    async pullInScope() {
      const { byUser } = await supervisorIds();
      const seen = new Set<string>();
      const users: OktaUser[] = [];
      const rejected: Rejected[] = [];
      const counts: OktaPullCounts = { appUsers: 0, inScope: 0, outOfScope: 0, rejected: 0, supervisors: 0 };
      const missingEmbed: string[] = [];
      const accept = (raw: unknown, fallbackId: string): void => {
        const parsed = userSchema.safeParse(raw);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const reason = `Okta user data is unusable (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'bad shape'})`;
          rejected.push({ oktaId: fallbackId, userName: '', reason });
          counts.rejected += 1;
          return;
        }
        const u = parsed.data;
        if (!cfg.inScopeStatuses.includes(u.status)) {
          counts.outOfScope += 1;
          return;
        }
        const groups = byUser.get(u.id) ?? [];
        if (groups.length > 0) counts.supervisors += 1;
        counts.inScope += 1;
        users.push({ id: u.id, status: u.status, profile: { ...u.profile }, groups });
      };
      try {
        await drain(
          `list users of app ${cfg.appId}`,
          () => client.applicationApi.listApplicationUsers({ appId: cfg.appId, limit: cfg.pageSize, expand: 'user' }),
          (appUser) => {
            const id = appUser.id ?? '';
            if (id === '' || seen.has(id)) return;
            seen.add(id);
            counts.appUsers += 1;
            const embedded: unknown = appUser._embedded?.user;
            if (embedded === undefined) missingEmbed.push(id);
            else accept(embedded, id);
          },
        );
      } catch (err) {
        if (err instanceof SyncError && err.status === 404) {
          throw new SyncError(`OKTA_APP_ID: Okta has no app ${cfg.appId} (${err.message})`, { kind: 'config', service: 'okta' });
        }
        throw err;
      }
      // An Okta that ignores expand=user: read those users one by one.
      for (const id of missingEmbed) {
        const user = await call(`get user ${id}`, () => client.userApi.getUser({ userId: id }));
        accept(JSON.parse(JSON.stringify(user)) as unknown, id);
      }
      return { users, rejected, counts };
    },
    stats: () => ({ ...stats, byStatus: { ...stats.byStatus } }),
  };
}
