import express, { type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { apiAuth, sandboxAuth } from './auth';
import { pathAndQueryOf, type SandboxContext } from './context';
import { errorBody, methodNotAllowed, OktaHttpError, rateLimited, serverError, unknownEndpoint } from './errors';
import { oauthRouter } from './oauth';
import { base62, cryptoRandom } from './random';
import { bucketOf, type RateLimitStatus } from './rate-limit';
import { adminRouter } from './routes-admin';
import { appsRouter } from './routes-apps';
import { groupsRouter } from './routes-groups';
import { logsRouter } from './routes-logs';
import { usersRouter } from './routes-users';

const MAX_REQUEST_LOG = 50000;

const KNOWN_API_PATHS = [
  /^\/api\/v1\/users(\/[^/]+(\/groups)?)?$/,
  /^\/api\/v1\/groups(\/[^/]+(\/users)?)?$/,
  /^\/api\/v1\/apps\/[^/]+(\/users(\/[^/]+)?|\/groups)?$/,
  /^\/api\/v1\/logs$/,
];

function setRateHeaders(res: Response, limit: number, remaining: number, resetSeconds: number): void {
  res.setHeader('X-Rate-Limit-Limit', String(limit));
  res.setHeader('X-Rate-Limit-Remaining', String(remaining));
  res.setHeader('X-Rate-Limit-Reset', String(resetSeconds));
}

/** Collapses doubled slashes, counts the request against its bucket, sets the common headers and logs it. */
function common(ctx: SandboxContext): RequestHandler {
  return (req, res, next) => {
    const q = req.url.indexOf('?');
    const path = (q >= 0 ? req.url.slice(0, q) : req.url).replace(/\/{2,}/g, '/');
    req.url = path + (q >= 0 ? req.url.slice(q) : '');
    res.locals.pathAndQuery = req.url;
    const bucket = bucketOf(path);
    res.locals.bucket = bucket;
    const counted = path.startsWith('/api/v1/') || path.startsWith('/oauth2/');
    const rate = counted ? ctx.limiter.take(bucket) : ctx.limiter.peek(bucket);
    res.locals.rate = rate;
    res.setHeader('X-Okta-Request-Id', base62(cryptoRandom, 27));
    setRateHeaders(res, rate.limit, rate.remaining, rate.resetSeconds);
    if (!path.startsWith('/_sandbox')) {
      const at = new Date().toISOString();
      const query: Record<string, string> = {};
      for (const [key, value] of new URLSearchParams(q >= 0 ? req.url.slice(req.url.indexOf('?') + 1) : '')) query[key] = value;
      let logged = false;
      const log = (status: number): void => {
        if (logged) return;
        logged = true;
        ctx.requests.push({ method: req.method, path, query, status, bucket, at });
        if (ctx.requests.length > MAX_REQUEST_LOG) ctx.requests.splice(0, ctx.requests.length - MAX_REQUEST_LOG);
      };
      res.on('finish', () => log(res.statusCode));
      // A request whose connection closed before any answer (dropped, held, or given up on) logs status 0.
      res.on('close', () => log(0));
    }
    next();
  };
}

/** Faults and rate limits for /api/v1 (after authentication, as Okta counts them). */
function apiGate(ctx: SandboxContext): RequestHandler {
  return async (req, res, next) => {
    const path = `${req.baseUrl}${req.path}`;
    if (ctx.faults.faults.withoutRoutes.some((route) => new RegExp(`^${route}$`).test(path))) throw unknownEndpoint(path);
    const { latencyMs, fault } = ctx.faults.decide();
    if (latencyMs > 0) await delay(latencyMs);
    const rate = res.locals.rate as RateLimitStatus;
    const soon = Math.floor(Date.now() / 1000) + 1;
    switch (fault.kind) {
      case 'rateLimit':
        setRateHeaders(res, rate.limit, 0, soon);
        throw rateLimited();
      case 'concurrencyLimit':
        setRateHeaders(res, 0, 0, soon);
        throw rateLimited();
      case 'serverError':
        throw serverError(fault.status);
      case 'invalidJson':
        res.status(200).type('application/json').send('[{"id":"00u1truncated","status":"ACT');
        return;
      case 'hang':
        ctx.holds.hold(req.socket, fault.ms);
        return;
      case 'drop':
        req.socket.destroy();
        return;
      case 'none':
        break;
    }
    if (!rate.allowed) throw rateLimited();
    next();
  };
}

const bodyParseFailed = (err: unknown): boolean =>
  err !== null && typeof err === 'object' && 'type' in err && (err as { type: unknown }).type === 'entity.parse.failed';

const errorHandler: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
  if (res.headersSent) return;
  if (err instanceof OktaHttpError) {
    res.status(err.status).json(err.body());
  } else if (err instanceof z.ZodError) {
    res.status(400).json(errorBody('E0000001', 'Api validation failed: body', err.issues.map((i) => `${i.path.join('.')}: ${i.message}`)));
  } else if (bodyParseFailed(err)) {
    res.status(400).json(errorBody('E0000003', 'The request body was not well-formed.'));
  } else {
    res.status(500).json(errorBody('E0000009', 'Internal Server Error', [err instanceof Error ? err.message : String(err)]));
  }
};

export function buildApp(ctx: SandboxContext, configuredUrl: () => string): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(common(ctx));
  app.use('/_sandbox', sandboxAuth(ctx));
  app.use(adminRouter(ctx));
  app.use(oauthRouter(ctx, configuredUrl));
  app.use('/api/v1', apiAuth(ctx, configuredUrl), apiGate(ctx));
  app.use(usersRouter(ctx), groupsRouter(ctx), appsRouter(ctx), logsRouter(ctx));
  app.use((req, res) => {
    const path = pathAndQueryOf(res).split('?')[0] ?? '/';
    const known = KNOWN_API_PATHS.some((re) => re.test(path)) || path === '/oauth2/v1/token';
    const err = known && req.method !== 'GET' ? methodNotAllowed() : unknownEndpoint(path);
    res.status(err.status).json(err.body());
  });
  app.use(errorHandler);
  return app;
}
