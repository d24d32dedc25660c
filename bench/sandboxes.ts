import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { OktaLogEntry, WfmLogEntry } from './calls';

export const DIST = join(__dirname, '..');

/** A sandbox running in its own process, and how to reach its admin routes. */
type Running = { child: ChildProcess; stop(): Promise<void> };

/** Starts `node <script> <args>` and answers the one JSON line it prints once it listens. */
async function startProcess(script: string, args: readonly string[], logFile: string, timeoutMs: number): Promise<{ child: ChildProcess; line: unknown }> {
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, [join(DIST, script), ...args], { stdio: ['ignore', 'pipe', log] });
  closeSync(log);
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${script} did not start within ${timeoutMs} ms (see ${logFile})`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${String(code)} before listening (see ${logFile})`));
    });
  });
  return { child, line: JSON.parse(line) as unknown };
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
}

async function call(url: string, auth: string, init: { method?: string; body?: unknown } = {}): Promise<unknown> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { authorization: auth, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  return res.status === 204 ? undefined : ((await res.json()) as unknown);
}

const oktaInfo = z.object({ url: z.string(), appId: z.string(), token: z.string() });
const oktaLog = z.array(z.object({ method: z.string(), path: z.string(), status: z.number() }).loose());
const summary = z.object({ inScopeIds: z.array(z.string()), assignedIds: z.array(z.string()) }).loose();
const groupStats = z.array(
  z.object({ id: z.string(), profile: z.object({ name: z.string() }).loose(), _embedded: z.object({ stats: z.object({ usersCount: z.number() }).loose() }).loose() }).loose(),
);

export type OktaProcess = Running & {
  url: string;
  appId: string;
  token: string;
  requests(): Promise<OktaLogEntry[]>;
  resetRequests(): Promise<void>;
  summary(): Promise<{ inScopeIds: string[]; assignedIds: string[] }>;
  updateProfile(id: string, profile: Record<string, unknown>): Promise<void>;
  /** The groups of that name, with their ids and member counts, through the Okta API (call before resetting the request log). */
  groupsNamed(name: string): Promise<Array<{ id: string; members: number }>>;
};

/** The sandbox Okta with `users` generated users, its rate limits raised so that they never throttle the bench. */
export async function startOkta(users: number, seed: number, logFile: string): Promise<OktaProcess> {
  const { child, line } = await startProcess('sandbox/okta/main.js', ['--port', '0', '--users', String(users), '--seed', String(seed)], logFile, 300_000);
  const info = oktaInfo.parse(line);
  const auth = `SSWS ${info.token}`;
  const admin = (path: string, init?: { method?: string; body?: unknown }) => call(`${info.url}/_sandbox${path}`, auth, init);
  const high = 10_000_000;
  await admin('/rate-limits', { method: 'POST', body: { limits: { users: high, groups: high, apps: high, logs: high, oauth: high, other: high } } });
  return {
    ...info,
    child,
    stop: stopper(child),
    requests: async () => oktaLog.parse(await admin('/requests')),
    resetRequests: async () => void (await admin('/reset-requests', { method: 'POST' })),
    summary: async () => summary.parse(await admin('/summary')),
    updateProfile: async (id, profile) => void (await admin(`/users/${encodeURIComponent(id)}/profile`, { method: 'POST', body: profile })),
    async groupsNamed(name) {
      const groups = groupStats.parse(await call(`${info.url}/api/v1/groups?q=${encodeURIComponent(name)}&expand=stats`, auth));
      return groups.filter((g) => g.profile.name === name).map((g) => ({ id: g.id, members: g._embedded.stats.usersCount }));
    },
  };
}

const wfmInfo = z.object({ url: z.string(), scimUrl: z.string(), apiUrl: z.string(), scimToken: z.string(), accessKeyId: z.string(), accessKeySecret: z.string() });
const wfmLog = z.object({ requests: z.array(z.object({ method: z.string(), path: z.string(), api: z.string(), status: z.number(), at: z.number() }).loose()) });
const listResponse = z.object({ totalResults: z.number() }).loose();
const wfmConfig = z.object({ maxPageSize: z.number() }).loose();

export type WfmProcess = Running & {
  info: z.infer<typeof wfmInfo>;
  requests(): Promise<WfmLogEntry[]>;
  resetRequests(): Promise<void>;
  /** Users in the WFM, by a SCIM count=0 listing (call before resetting the request log). */
  userCount(): Promise<number>;
  pageSize(): Promise<number>;
  setLatency(ms: number): Promise<void>;
  clear(): Promise<void>;
};

export async function startWfm(logFile: string): Promise<WfmProcess> {
  const { child, line } = await startProcess('sandbox/wfm/main.js', ['--port', '0'], logFile, 60_000);
  const info = wfmInfo.parse(line);
  const auth = `Bearer ${info.scimToken}`;
  const admin = (path: string, init?: { method?: string; body?: unknown }) => call(`${info.url}/_sandbox${path}`, auth, init);
  return {
    info,
    child,
    stop: stopper(child),
    requests: async () => wfmLog.parse(await admin('/requests')).requests,
    resetRequests: async () => void (await admin('/reset-requests', { method: 'POST' })),
    userCount: async () => listResponse.parse(await call(`${info.scimUrl}/Users?count=0`, auth)).totalResults,
    pageSize: async () => wfmConfig.parse(await admin('/config')).maxPageSize,
    setLatency: async (ms) => void (await admin('/faults', { method: 'POST', body: { latencyMs: ms } })),
    clear: async () => void (await admin('/clear', { method: 'POST' })),
  };
}

/**
 * The Node options the Docker image runs the product with (its `ENV NODE_OPTIONS`): a heap ceiling
 * that keeps a 100k-user run's RSS bounded. The product is measured as it ships; a test keeps this
 * equal to the Dockerfile's.
 */
export const IMAGE_NODE_OPTIONS = '--max-old-space-size=384';

/** The environment that points the product at the two sandbox processes. */
export function productEnv(okta: OktaProcess, wfm: WfmProcess, extra: Record<string, string>): Record<string, string> {
  return {
    NODE_OPTIONS: IMAGE_NODE_OPTIONS,
    OKTA_ORG_URL: okta.url,
    OKTA_API_TOKEN: okta.token,
    OKTA_APP_ID: okta.appId,
    WFM_SCIM_URL: wfm.info.scimUrl,
    WFM_SCIM_TOKEN: wfm.info.scimToken,
    WFM_API_URL: wfm.info.apiUrl,
    WFM_ACCESS_KEY_ID: wfm.info.accessKeyId,
    WFM_ACCESS_KEY_SECRET: wfm.info.accessKeySecret,
    ...extra,
  };
}
