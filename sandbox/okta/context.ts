import type { Request, Response } from 'express';
import { serverError } from './errors';
import { FOREIGN_ORIGIN, type FaultEngine } from './faults';
import type { Holds } from './holds';
import { linkHeaders, type Page } from './paging';
import type { Bucket, RateLimiter } from './rate-limit';
import type { Json, WireContext } from './serialize';
import type { OktaState } from './state';

export type RequestLogEntry = {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The status answered; 0 when the connection closed before any answer (dropped, held, given up on). */
  status: number;
  bucket: Bucket;
  /** ISO timestamp of the request's arrival. */
  at: string;
};

/** What every route handler needs: the org, the switches and the sandbox's own settings. */
export type SandboxContext = {
  state: OktaState;
  faults: FaultEngine;
  /** Requests the hangNext fault holds without an answer. */
  holds: Holds;
  limiter: RateLimiter;
  requests: RequestLogEntry[];
  token: string;
  appId: string;
  supervisorGroup: string;
};

/** The origin the client used (http://host:port), so links work whatever name it connected with. */
export function originOf(req: Request): string {
  return `${req.protocol}://${req.headers.host ?? 'localhost'}`;
}

/** The normalised path and raw query string, as set by the first middleware. */
export function pathAndQueryOf(res: Response): string {
  const value: unknown = res.locals.pathAndQuery;
  return typeof value === 'string' ? value : '/';
}

export function wireOf(req: Request, ctx: SandboxContext): WireContext {
  return { baseUrl: originOf(req), largeProfiles: ctx.faults.faults.largeProfiles };
}

/**
 * Answers one page of a list with Okta's Link headers. `forceNextAfter` keeps a next link even
 * on the last page (System Log polling). A page past the breakPageAfter fault answers 500. Under
 * the emptyPageNext fault, a page of a list other than the System Log answers no items and a
 * next link to this very page.
 */
export function sendPage<T>(
  req: Request,
  res: Response,
  ctx: SandboxContext,
  page: Page<T>,
  toJson: (item: T) => Json,
  forceNextAfter?: string,
): void {
  const breakAfter = ctx.faults.faults.breakPageAfter;
  if (breakAfter !== null && page.pageIndex > breakAfter) throw serverError(500);
  const origin = originOf(req);
  const nextOrigin = ctx.faults.faults.foreignNextLink ? FOREIGN_ORIGIN : origin;
  const pathAndQuery = pathAndQueryOf(res);
  if (res.locals.bucket !== 'logs' && ctx.faults.emptyPage()) {
    res.setHeader('Link', [`<${origin}${pathAndQuery}>; rel="self"`, `<${nextOrigin}${pathAndQuery}>; rel="next"`]);
    res.status(200).json([]);
    return;
  }
  const next = page.nextAfter ?? forceNextAfter;
  res.setHeader('Link', linkHeaders({ origin, nextOrigin, pathAndQuery }, next));
  res.status(200).json(page.items.map(toJson));
}

/** A list Okta does not page: every item, a self link and no next. */
export function sendAll<T>(req: Request, res: Response, items: readonly T[], toJson: (item: T) => Json): void {
  const origin = originOf(req);
  res.setHeader('Link', linkHeaders({ origin, nextOrigin: origin, pathAndQuery: pathAndQueryOf(res) }, undefined));
  res.status(200).json(items.map(toJson));
}
