import { loadConfig } from '../../config/load-config';
import { ENTERPRISE_URN } from '../../config/targets';
import { runFullSync } from '../../jobs/full-sync';
import type { ScimPort } from '../../sync/ports';
import type { WfmUser } from '../../sync/types';
import { createWfmClients } from '../../worker/main';
import { createMetrics } from '../../worker/metrics';
import { startTestApp, type TestApp } from '../helpers/app';
import { startHarness, type Harness } from '../helpers/harness';

/** The WFM user as a server that answers writes with a partial user sends it: without the enterprise extension it keeps. */
const partial = (u: WfmUser): WfmUser => {
  const raw = { ...u.raw };
  delete raw[ENTERPRISE_URN];
  return { ...u, raw };
};
const answeringPartially = <P extends ScimPort>(port: P): P => ({
  ...port,
  create: async (resource) => partial(await port.create(resource)),
  replace: async (id, resource, version) => partial(await port.replace(id, resource, version)),
});

describe('a WFM that answers writes with a partial user still keeps what it leaves out of the answer', () => {
  let h: Harness;
  let app: TestApp;

  beforeAll(async () => {
    h = await startHarness({ users: 20, seed: 8 });
    const { scim: real } = createWfmClients(loadConfig(h.env), createMetrics());
    app = startTestApp(h, { deps: { scim: { ...answeringPartially(real), counting: (onRetry: () => void) => answeringPartially(real.counting(onRetry)) } } });
  });
  afterAll(async () => {
    await app.close();
    await h.close();
  });

  it('a drop in the answers is read again before it counts, so values an admin later clears are written back', async () => {
    const first = await runFullSync(app.deps);
    expect(first.report.applied.create).toBeGreaterThan(0);
    const holders = h.wfm.state.all().filter((u) => (u[ENTERPRISE_URN] as Record<string, unknown> | undefined)?.department !== undefined);
    expect(holders.length).toBeGreaterThanOrEqual(3);
    for (const u of holders) h.wfm.state.editAttribute(String(u.id), `${ENTERPRISE_URN}:department`, null);
    const second = await runFullSync(app.deps);
    expect(second.report.unkept).toBeUndefined();
    expect(second.report.applied.update).toBe(holders.length);
    expect(h.wfm.state.all().filter((u) => (u[ENTERPRISE_URN] as Record<string, unknown> | undefined)?.department !== undefined)).toHaveLength(holders.length);
    expect(second.report.drift).toMatchObject({ wfm: holders.length });
  });
});
