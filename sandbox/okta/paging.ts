import type { Request } from 'express';
import { validationFailed } from './errors';

export type Page<T> = {
  items: T[];
  /** Cursor of the last item, when more may follow. */
  nextAfter: string | undefined;
  /** 0 for the first page, 1 for the second, and so on (drives the breakPageAfter fault). */
  pageIndex: number;
};

/**
 * Cursor paging over a list already sorted by key: the page holds the first `limit` items whose
 * key comes after `after`. Items added or removed between pages neither repeat nor shift the rest.
 */
export function paginate<T>(sorted: readonly T[], keyOf: (item: T) => string, after: string | undefined, limit: number): Page<T> {
  let start = 0;
  if (after !== undefined && after !== '') {
    const exact = sorted.findIndex((item) => keyOf(item) === after);
    start = exact >= 0 ? exact + 1 : sorted.findIndex((item) => keyOf(item) > after);
    if (start < 0) start = sorted.length;
  }
  const items = sorted.slice(start, start + limit);
  const last = items[items.length - 1];
  const more = start + limit < sorted.length;
  return {
    items,
    nextAfter: more && last !== undefined ? keyOf(last) : undefined,
    pageIndex: limit > 0 ? Math.ceil(start / limit) : 0,
  };
}

/** Reads `limit` the way Okta does: default when absent, capped at the endpoint maximum, 400 when not a number. */
export function readLimit(req: Request, defaults: { def: number; max: number }): number {
  const raw = queryString(req, 'limit');
  if (raw === undefined || raw === '') return defaults.def;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw validationFailed('limit', `Invalid value '${raw}' for limit`);
  if (n < 1) return defaults.def;
  return Math.min(n, defaults.max);
}

/** A single query parameter as a string (the first, when repeated). */
export function queryString(req: Request, name: string): string | undefined {
  const value: unknown = req.query[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

export type LinkContext = {
  /** The origin links point at (the request's own, unless a fault says otherwise). */
  origin: string;
  /** Origin for the next link only (foreignNextLink fault). */
  nextOrigin: string;
  /** Normalised path and raw query string of the request, e.g. /api/v1/users?limit=2. */
  pathAndQuery: string;
};

/** Okta's Link headers (one per relation): absolute self, and next keeping every original parameter but `after`. */
export function linkHeaders(ctx: LinkContext, nextAfter: string | undefined): string[] {
  const links = [`<${ctx.origin}${ctx.pathAndQuery}>; rel="self"`];
  if (nextAfter !== undefined) {
    const q = ctx.pathAndQuery.indexOf('?');
    const path = q >= 0 ? ctx.pathAndQuery.slice(0, q) : ctx.pathAndQuery;
    const params = new URLSearchParams(q >= 0 ? ctx.pathAndQuery.slice(q + 1) : '');
    params.set('after', nextAfter);
    links.push(`<${ctx.nextOrigin}${path}?${params.toString()}>; rel="next"`);
  }
  return links;
}
