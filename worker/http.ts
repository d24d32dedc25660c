import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { TriggerRequest, TriggerResult } from '../jobs';
import type { JobDeps } from '../jobs/deps';
import { adminAuth, hasAdminCredentials, type FailureLimits } from './auth';
import { bodyErrors, loopbackHostOnly, notFound, otherMethods, requireJson, sameOriginWrites, sendError, wholeNumberQuery } from './http-guards';
import type { HttpRefusal, Metrics } from './metrics';
import type { Queues } from './queues';
import { missingOktaUser, NO_WORKER, withWorkerCheck } from './triggers';
import { within } from './within';

export type HttpDeps = {
  deps: JobDeps;
  queues: Queues;
  metrics: Metrics;
  trigger(req: TriggerRequest): Promise<TriggerResult>;
  /** Failed sign-ins allowed per client address; the defaults unless given. */
  failureLimits?: Partial<FailureLimits>;
  /** The state of each of this process's queue workers, by queue name; none in a process without workers. */
  workerStates?: () => WorkerStates;
};

/**
 * A queue worker of this process as /healthz reports it. `starting`: start-up is not done, so it
 * takes no jobs yet; `stopping`: the process is shutting down; `paused` and `stopped`: it takes no
 * jobs while the process means it to.
 */
export type WorkerState = 'starting' | 'running' | 'paused' | 'stopping' | 'stopped';
export type WorkerStates = Readonly<Record<string, WorkerState>>;

/** States in which a worker takes no jobs although the process expects it to. */
const UNHEALTHY: ReadonlySet<WorkerState> = new Set(['paused', 'stopped']);

/**
 * What /healthz answers: 503 when any worker takes no jobs although it should (the process stays
 * up, but its queues would wait forever), 200 otherwise, always with each worker's state.
 */
export function healthOf(workers: WorkerStates): { code: 200 | 503; body: { status: 'ok' | 'unhealthy'; workers: WorkerStates } } {
  const healthy = Object.values(workers).every((state) => !UNHEALTHY.has(state));
  return healthy ? { code: 200, body: { status: 'ok', workers } } : { code: 503, body: { status: 'unhealthy', workers } };
}

export type HttpServer = { url: string; close(): Promise<void> };

const resyncBody = z.object({ user: z.string().trim().min(1).optional(), dryRun: z.boolean().optional() }).strict();

/**
 * A write job's data as the dashboard shows it. Its payload is ids only; a job queued by an earlier
 * version also carries its action, shown by what it does (type, login and the fields it changes),
 * not the profile values (names, emails, departments: `okta-wfm-sync plan` and the audit show
 * those to whoever needs them).
 */
export function dashboardWriteData(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || !('action' in data)) return data;
  const { action, ...ids } = data as { action: unknown };
  if (typeof action !== 'object' || action === null) return data;
  const { type, userName, changes } = action as { type?: unknown; userName?: unknown; changes?: unknown };
  const fields = Array.isArray(changes) ? changes.map((c: unknown) => (typeof c === 'object' && c !== null ? (c as { path?: unknown }).path : undefined)) : undefined;
  return { ...ids, action: { type, userName, ...(fields ? { fields } : {}) } };
}

/**
 * One dashboard view per queue; a write job's profile values are left out of it. Read-only (the
 * default): bull-board's API then refuses every change to the queue and its jobs, not just hides the buttons.
 */
function boardAdapter(queue: Queues['all'][number], writes: Queues['writes'], readOnlyMode: boolean): BullMQAdapter {
  const adapter = new BullMQAdapter(queue, { readOnlyMode });
  if (queue === writes) adapter.setFormatter('data', dashboardWriteData);
  return adapter;
}

/**
 * Whether Redis answers now. While the connection is down this answers at once: the worker's
 * commands wait for a reconnect, so a PING sent then would only answer once Redis is back.
 */
async function redisAnswersNow(redis: JobDeps['redis']): Promise<boolean> {
  if (redis.status === 'reconnecting' || redis.status === 'close' || redis.status === 'end') return false;
  return (await within(redis.ping(), 1000)) === 'PONG';
}

/** The guards' error codes, as the refusal metric names them. */
const REFUSALS: Readonly<Record<string, HttpRefusal>> = { 'forbidden-host': 'host', 'cross-site': 'cross-site', unauthorized: 'unauthorized', 'too-many-attempts': 'throttled' };

/** Counts the requests the guards after it refuse, once each is answered. */
function countRefusals(metrics: Metrics): RequestHandler {
  return (_req, res, next) => {
    res.on('finish', () => {
      const reason = typeof res.locals.error === 'string' ? REFUSALS[res.locals.error] : undefined;
      if (reason !== undefined) metrics.httpRefused(reason);
    });
    next();
  };
}

/** Health, readiness, metrics, the trigger and run API, and the queue dashboard. */
export function createHttpApp(h: HttpDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Which X-Forwarded-For hops to believe for req.ip (the client failed sign-ins are counted
  // against); none by default, so a client cannot pick its own address with the header.
  const { trustedProxies } = h.deps.config.http;
  if (trustedProxies.length > 0) app.set('trust proxy', [...trustedProxies]);
  // Host and origin are checked first: a request refused for them is no failed sign-in.
  const guards = [
    countRefusals(h.metrics),
    ...(hasAdminCredentials(h.deps.config.http) ? [] : [loopbackHostOnly]),
    sameOriginWrites,
    adminAuth(h.deps.config.http, h.failureLimits, h.deps.logger),
  ];

  // Liveness: answered from memory, never from Redis (readiness asks Redis).
  app.route('/healthz').get((_req, res) => {
    const { code, body } = healthOf(h.workerStates?.() ?? {});
    res.status(code).json(body);
  }).all(otherMethods('GET'));
  app.route('/readyz').get(async (_req, res) => {
    if (await redisAnswersNow(h.deps.redis)) res.json({ status: 'ready', redis: 'ok', config: 'ok' });
    else res.status(503).json({ status: 'not ready', redis: 'unreachable', config: 'ok' });
  }).all(otherMethods('GET'));
  app.route('/metrics').get(async (_req, res) => {
    res.set('Content-Type', h.metrics.registry.contentType);
    res.send(await h.metrics.registry.metrics());
  }).all(otherMethods('GET'));

  /** Runs, reports and queues live in Redis: without it a request would wait for its return. */
  const redisGate = async (_req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (await redisAnswersNow(h.deps.redis)) return next();
    res.set('Retry-After', '5');
    sendError(res, 503, 'unavailable', 'Redis does not answer; try again when /readyz answers 200.');
  };
  app.use('/api', ...guards, redisGate);
  app.route('/api/resync').post(requireJson, express.json({ limit: '16kb' }), async (req: Request, res: Response) => {
    const parsed = resyncBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      sendError(res, 400, 'invalid', 'Body must be JSON {user?: string, dryRun?: boolean}.');
      return;
    }
    const { user, dryRun } = parsed.data;
    const missing = user !== undefined ? await missingOktaUser(h.deps.okta, user) : undefined;
    if (missing !== undefined) {
      sendError(res, 404, 'not-found', `${missing}; nothing queued.`);
      return;
    }
    const kind = user !== undefined ? 'resync-user' : 'full-sync';
    const result = await withWorkerCheck(h.queues, kind, await h.trigger({ kind, ...(user !== undefined ? { user } : {}), dryRun: Boolean(dryRun), reason: 'api' }));
    res.status(202).json(result.noWorker ? { ...result, message: `Queued, but ${NO_WORKER}.` } : result);
  }).all(otherMethods('POST'));
  app.route('/api/runs').get(async (req, res) => {
    const limit = wholeNumberQuery(req, res, 'limit', { min: 1, max: 100, fallback: 20 });
    if (limit === undefined) return;
    res.json({ runs: await h.deps.history.list(limit) });
  }).all(otherMethods('GET'));
  app.route('/api/runs/:id').get(async (req, res) => {
    const report = await h.deps.history.get(String(req.params.id));
    if (!report) {
      sendError(res, 404, 'not-found', `No finished run ${String(req.params.id)} in the last 100 runs.`);
      return;
    }
    res.json(report);
  }).all(otherMethods('GET'));

  const board = new ExpressAdapter();
  board.setBasePath('/admin/queues');
  const { dashboardReadOnly } = h.deps.config.http;
  createBullBoard({ queues: h.queues.all.map((q) => boardAdapter(q, h.queues.writes, dashboardReadOnly)), serverAdapter: board });
  // The dashboard's own API reads the queues: 503 while Redis is away (its page and assets need no Redis).
  app.use('/admin/queues/api', ...guards, redisGate);
  app.use('/admin/queues', ...guards, board.getRouter());
  app.use(notFound);
  app.use(bodyErrors);
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    h.deps.logger.error('http request failed', { error: err instanceof Error ? err.message : String(err) });
    sendError(res, 500, 'internal', 'The request failed; the worker log says why.');
  });
  return app;
}

/** The HTTP server could not listen; the message names the setting to change. */
export class HttpListenError extends Error {}

/** Why listening on HTTP_HOST:HTTP_PORT failed, naming the setting a person would change. */
export function listenProblem(err: NodeJS.ErrnoException, port: number, host: string): string {
  const at = `${port} on ${host}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return `HTTP_PORT: ${at} is in use (EADDRINUSE): another process, such as another worker, listens there; stop it, or set another HTTP_PORT (0 picks a free one)`;
    case 'EACCES':
      return `HTTP_PORT: ${at} needs privileges this process does not have (EACCES); set HTTP_PORT to 1024 or above`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `HTTP_HOST: ${host} is not an address of this host (${err.code}); set HTTP_HOST to one of its addresses`;
    default:
      return `HTTP_HOST, HTTP_PORT: cannot listen on ${at} (${err.code ?? err.message})`;
  }
}

export async function startHttp(h: HttpDeps): Promise<HttpServer> {
  const { port, host } = h.deps.config.http;
  // A plain server rather than app.listen: Express 5 also calls app.listen's callback on an error.
  const server = createServer(createHttpApp(h));
  await new Promise<void>((resolve, reject) => {
    server.on('error', (err: NodeJS.ErrnoException) => reject(new HttpListenError(listenProblem(err, port, host))));
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
