import { Router, type Request } from 'express';
import { sendPage, type SandboxContext } from './context';
import { validationFailed } from './errors';
import { queryString, readLimit, type Page } from './paging';
import { applyExpression, isLogDate, jsonAttr, logFilterRules } from './queries';
import { logEventJson, type Json } from './serialize';
import { parseIso } from './time';
import type { LogEventRecord } from './types';

const DAY = 24 * 3600 * 1000;
const RETENTION_MS = 90 * DAY;

type LogQuery = {
  since: number;
  until: number | undefined;
  ascending: boolean;
  /** Polling: no until and ascending; the answer always carries a next link. */
  polling: boolean;
  after: number | undefined;
  limit: number;
};

function readTime(req: Request, name: 'since' | 'until'): number | undefined {
  const raw = queryString(req, name);
  if (raw === undefined || raw === '') return undefined;
  const ms = parseIso(raw);
  if (ms === undefined) throw validationFailed(name, `Invalid value '${raw}' for ${name}: an ISO 8601 timestamp is expected`);
  return ms;
}

function readQuery(req: Request, now: number): LogQuery {
  const order = queryString(req, 'sortOrder') ?? 'ASCENDING';
  if (order !== 'ASCENDING' && order !== 'DESCENDING') throw validationFailed('sortOrder', `Invalid value '${order}' for sortOrder`);
  const until = readTime(req, 'until');
  const since = readTime(req, 'since') ?? (until ?? now) - 7 * DAY;
  if (until !== undefined && until < since) throw validationFailed('until', 'until must not be before since');
  const afterRaw = queryString(req, 'after');
  const after = afterRaw === undefined || afterRaw === '' ? undefined : Number(afterRaw);
  if (after !== undefined && !Number.isInteger(after)) throw validationFailed('after', 'Invalid cursor');
  return {
    since,
    until,
    ascending: order === 'ASCENDING',
    polling: until === undefined && order === 'ASCENDING',
    after,
    limit: readLimit(req, { def: 100, max: 1000 }),
  };
}

function matchesKeywords(json: Json, q: string): boolean {
  const haystack = JSON.stringify([json.eventType, json.displayMessage, json.actor, json.target, json.outcome]).toLowerCase();
  return q.toLowerCase().split(/\s+/).filter(Boolean).every((word) => haystack.includes(word));
}

export function logsRouter(ctx: SandboxContext): Router {
  const router = Router();

  router.get('/api/v1/logs', (req, res) => {
    const now = ctx.state.now();
    const query = readQuery(req, now);
    const all = ctx.state.events();
    const highWater = all.length > 0 ? (all[all.length - 1]?.seq ?? 0) : 0;
    let events = all.filter((e) => e.published >= Math.max(query.since, now - RETENTION_MS)
      && (query.until === undefined || e.published < query.until));
    const filter = queryString(req, 'filter');
    const q = queryString(req, 'q');
    if ((filter !== undefined && filter !== '') || (q !== undefined && q !== '')) {
      const jsonOf = new Map(events.map((e) => [e.seq, logEventJson(e)]));
      const json = (e: LogEventRecord): Json => jsonOf.get(e.seq) ?? logEventJson(e);
      if (filter) {
        events = applyExpression(events, filter, {
          rules: logFilterRules,
          get: (e, attr) => (attr === 'published' ? [e.published] : jsonAttr(json(e), attr)),
          isDate: isLogDate,
          caseInsensitive: false,
        });
      }
      if (q) events = events.filter((e) => matchesKeywords(json(e), q));
    }
    if (!query.ascending) events = [...events].reverse();
    const beyond = (e: LogEventRecord): boolean =>
      query.after === undefined || (query.ascending ? e.seq > query.after : e.seq < query.after);
    const before = events.filter((e) => !beyond(e)).length;
    const remaining = events.filter(beyond);
    const items = remaining.slice(0, query.limit);
    const full = remaining.length > query.limit;
    const last = items[items.length - 1];
    const page: Page<LogEventRecord> = {
      items,
      nextAfter: full && last ? String(last.seq) : undefined,
      pageIndex: Math.ceil(before / query.limit),
    };
    // Polling always links onwards: past what this page returned, or past everything persisted so far.
    const pollAfter = query.polling ? String(full && last ? last.seq : Math.max(highWater, query.after ?? 0)) : undefined;
    sendPage(req, res, ctx, page, logEventJson, pollAfter);
  });

  return router;
}
