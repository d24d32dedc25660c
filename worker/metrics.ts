import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RunReport } from '../sync/report';
import type { Queues } from './queues';
import { within } from './within';

/** The worker's Prometheus metrics and the hooks that feed them. */
export type Metrics = {
  registry: Registry;
  oktaResponse(status: number, rate: { remaining?: number; bucket?: string }): void;
  wfmResponse(api: 'scim' | 'user-management', status: number): void;
  runFinished(report: RunReport): void;
  /** A request to /api or the dashboard refused by a guard. */
  httpRefused(reason: HttpRefusal): void;
  watchQueues(queues: Queues): void;
  /** How to read the attributes the WFM does not keep, at each scrape. */
  watchUnkept(read: () => Promise<readonly string[]>): void;
};

/** Why a guard refused a request to /api or the dashboard. */
export type HttpRefusal = 'host' | 'cross-site' | 'unauthorized' | 'throttled';

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'okta_wfm_' });
  const runs = new Counter({ name: 'okta_wfm_runs_total', help: 'Finished runs by kind and result.', labelNames: ['kind', 'result'], registers: [registry] });
  const actions = new Counter({ name: 'okta_wfm_actions_total', help: 'Planned writes by type and result.', labelNames: ['type', 'result'], registers: [registry] });
  const okta = new Counter({ name: 'okta_wfm_okta_requests_total', help: 'Okta API responses by status (0 = no answer).', labelNames: ['status'], registers: [registry] });
  const wfm = new Counter({ name: 'okta_wfm_wfm_requests_total', help: 'WFM responses by API and status (0 = no answer).', labelNames: ['api', 'status'], registers: [registry] });
  let unkeptNow: (() => Promise<readonly string[]>) | undefined;
  new Gauge({
    name: 'okta_wfm_unkept_attributes',
    help: 'Mapped attributes the WFM does not keep (the last full read and its answers agree), or does not change once set (its answers to updates left them as they were), as kept in Redis: 1 each.',
    labelNames: ['attribute'],
    registers: [registry],
    async collect() {
      // Read from Redis at each scrape: the same in every worker process, whichever ran the sync.
      this.reset();
      const attributes = unkeptNow ? await within(unkeptNow(), 1000) : undefined;
      for (const attribute of attributes ?? []) this.set({ attribute }, 1);
    },
  });
  // One series per endpoint family (Okta counts each on its own), and none before Okta has answered:
  // a 0 at start-up would read as a spent limit.
  const remaining = new Gauge({
    name: 'okta_wfm_okta_rate_limit_remaining',
    help: 'X-Rate-Limit-Remaining of the last Okta response, per endpoint family (users, groups, apps, logs, oauth, other).',
    labelNames: ['bucket'],
    registers: [registry],
  });
  const refused = new Counter({
    name: 'okta_wfm_http_refused_total',
    help: 'Requests to /api and the dashboard refused, by reason: host (not a loopback name, without credentials), cross-site (a write from another site\'s page), unauthorized, throttled (too many failed sign-ins). A rise in unauthorized or throttled is someone guessing the credentials.',
    labelNames: ['reason'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'okta_wfm_run_duration_seconds',
    help: 'Run duration by kind.',
    labelNames: ['kind'],
    buckets: [1, 5, 15, 60, 300, 900, 3600, 4 * 3600],
    registers: [registry],
  });
  let watched: Queues | undefined;
  new Gauge({
    name: 'okta_wfm_queue_jobs',
    help: 'Jobs per queue and state.',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      // Series of a queue that cannot be counted now are left out, not kept stale; and a scrape
      // while Redis is away answers at once with the other metrics instead of waiting for it.
      this.reset();
      if (!watched?.connected()) return;
      for (const q of watched.all) {
        const counts = await within(q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'), 1000);
        for (const [state, n] of Object.entries(counts ?? {})) this.set({ queue: q.name, state }, n);
      }
    },
  });
  return {
    registry,
    oktaResponse(status, rate) {
      okta.inc({ status: String(status) });
      if (rate.remaining !== undefined && Number.isFinite(rate.remaining)) remaining.set({ bucket: rate.bucket ?? 'other' }, rate.remaining);
    },
    wfmResponse(api, status) {
      wfm.inc({ api, status: String(status) });
    },
    runFinished(report) {
      const result = report.error !== undefined ? 'error' : report.failed.length > 0 ? 'partial' : 'ok';
      runs.inc({ kind: report.kind, result });
      duration.observe({ kind: report.kind }, report.durationMs / 1000);
      for (const [type, n] of Object.entries(report.applied)) if (n > 0) actions.inc({ type, result: 'applied' }, n);
      for (const f of report.failed) actions.inc({ type: f.action, result: 'failed' });
    },
    httpRefused(reason) {
      refused.inc({ reason });
    },
    watchQueues(queues) {
      watched = queues;
    },
    watchUnkept(read) {
      unkeptNow = read;
    },
  };
}
