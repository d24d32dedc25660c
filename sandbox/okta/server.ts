import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from './app';
import type { RequestLogEntry, SandboxContext } from './context';
import { createFaultEngine, defaultFaults, type FaultsPatch, type OktaFaults } from './faults';
import { generateOrg } from './generator';
import { createHolds } from './holds';
import { createRateLimiter, DEFAULT_RATE_LIMITS, type LimitedBucket, type RateLimitConfig } from './rate-limit';
import { createOktaState, type OktaState } from './state';

export type { OktaState } from './state';
export type { OktaFaults } from './faults';
export type { RequestLogEntry } from './context';

export type OktaSandboxOptions = {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The SSWS api token accepted; default 'sandbox-okta-token'. */
  token?: string;
  /** Seed of the generated org; default 42. */
  seed?: number;
  /** How many users to generate; default 0 (the groups and the app are created all the same). */
  users?: number;
  /** Default '0oawfmapp0000000001'. */
  appId?: string;
  /** Default 'WFM Supervisors'. */
  supervisorGroup?: string;
  /** Per-minute request limits per bucket (users 600, groups 500, apps 100, logs 120 by default). */
  rateLimits?: Partial<Record<LimitedBucket, number>>;
  /** Length of a rate-limit window; default 60 000 ms. */
  rateLimitWindowMs?: number;
};

export type OktaSandbox = {
  /** e.g. http://127.0.0.1:PORT, no trailing slash. */
  url: string;
  appId: string;
  token: string;
  state: OktaState;
  /** The live fault switches: assign to them directly or use setFaults. */
  faults: OktaFaults;
  /** One entry per request outside /_sandbox, oldest first (the latest 50 000). */
  requests: RequestLogEntry[];
  /** How many requests the hangNext fault holds without an answer right now. */
  held(): number;
  setFaults(patch: FaultsPatch): void;
  resetFaults(): void;
  setRateLimits(patch: { limits?: Partial<Record<LimitedBucket, number>>; windowMs?: number }): void;
  close(): Promise<void>;
};

export const DEFAULT_TOKEN = 'sandbox-okta-token';
export const DEFAULT_APP_ID = '0oawfmapp0000000001';
export const DEFAULT_SUPERVISOR_GROUP = 'WFM Supervisors';

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('sandbox okta: no TCP address'));
      else resolve(address);
    });
  });
}

export async function startOktaSandbox(opts: OktaSandboxOptions = {}): Promise<OktaSandbox> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? DEFAULT_TOKEN;
  const appId = opts.appId ?? DEFAULT_APP_ID;
  const supervisorGroup = opts.supervisorGroup ?? DEFAULT_SUPERVISOR_GROUP;
  const state = createOktaState();
  generateOrg(state, { users: opts.users ?? 0, seed: opts.seed ?? 42, appId, supervisorGroup });

  const faults = defaultFaults();
  const faultEngine = createFaultEngine(faults);
  const config: RateLimitConfig = {
    limits: { ...DEFAULT_RATE_LIMITS, ...opts.rateLimits },
    windowMs: opts.rateLimitWindowMs ?? 60_000,
  };
  const limiter = createRateLimiter(config, () => Date.now());
  const requests: RequestLogEntry[] = [];
  const holds = createHolds();
  const ctx: SandboxContext = { state, faults: faultEngine, holds, limiter, requests, token, appId, supervisorGroup };

  let url = '';
  const server = createServer(buildApp(ctx, () => url));
  server.keepAliveTimeout = 5000;
  const address = await listen(server, opts.port ?? 0, host);
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  url = `http://${hostPart}:${address.port}`;

  return {
    url,
    appId,
    token,
    state,
    faults,
    requests,
    held: () => holds.count(),
    setFaults: (patch) => faultEngine.apply(patch),
    resetFaults: () => faultEngine.reset(),
    setRateLimits: (patch) => limiter.configure(patch),
    close: () =>
      new Promise<void>((resolve, reject) => {
        holds.closeAll();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
