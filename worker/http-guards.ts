import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** The JSON error body every route answers with. */
export function sendError(res: Response, status: number, error: string, message: string): void {
  res.status(status).json({ error, message });
}

/**
 * The fallback of a route for the methods it does not serve: OPTIONS lists them (204), anything
 * else answers 405 with `Allow`. HEAD is allowed wherever GET is (Express answers it from GET).
 */
export function otherMethods(...methods: readonly string[]): RequestHandler {
  const allow = [...methods, ...(methods.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', ');
  return (req, res) => {
    res.set('Allow', allow);
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    sendError(res, 405, 'method-not-allowed', `${req.method} is not allowed on ${req.path}; use ${methods.join(' or ')}.`);
  };
}

/**
 * A request that carries a body must say it is JSON. Besides clear answers, this keeps a browser
 * from sending a cross-site "simple" request (text/plain, a form, or no body type) that it would
 * not have to ask permission for first.
 */
export function requireJson(req: Request, res: Response, next: NextFunction): void {
  // The type express.json() parses; an empty body of that type is an empty object.
  const type = (req.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') {
    next();
    return;
  }
  sendError(res, 415, 'unsupported-media-type', 'Send the body as JSON, with Content-Type: application/json.');
}

/** Body-parser failures as client errors: the request was at fault, not the worker. */
export function bodyErrors(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  const type = typeof err === 'object' && err !== null ? (err as { type?: unknown }).type : undefined;
  if (type === 'entity.parse.failed') return sendError(res, 400, 'invalid', 'The body is not a JSON object.');
  if (type === 'entity.too.large') return sendError(res, 413, 'too-large', 'The body is larger than 16 kB.');
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') return sendError(res, 415, 'unsupported-media-type', 'Send the body as UTF-8 JSON.');
  next(err);
}

/** Any path no route serves. */
export function notFound(req: Request, res: Response): void {
  sendError(res, 404, 'not-found', `Nothing at ${req.path}.`);
}
