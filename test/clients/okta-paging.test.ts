import { createOktaSource, type OktaSourceConfig } from '../../clients/okta';
import type { MovedLink } from '../../clients/okta-sdk';
import { sandboxOktaConfig } from '../helpers/okta-config';
import { startOktaSandbox, type OktaSandbox } from '../../sandbox/okta/server';

describe('the Okta source follows links safely and completely', () => {
  let okta: OktaSandbox;
  let cfg: OktaSourceConfig;
  beforeAll(async () => {
    okta = await startOktaSandbox({ users: 450, seed: 13 });
  });
  afterAll(() => okta.close());
  beforeEach(() => {
    okta.requests.length = 0;
    okta.resetFaults();
    cfg = sandboxOktaConfig(okta, { retry: { baseDelayMs: 5, maxDelayMs: 20 } });
  });
  const since = '2000-01-01T00:00:00.000Z';

  it('a page answered with a broken body is fetched again, not skipped (the SDK moves its cursor first)', async () => {
    const all = await createOktaSource(cfg).listUpdatedSince(since);
    expect(all).toHaveLength(450);
    expect(okta.requests.filter((r) => r.path === '/api/v1/users')).toHaveLength(3);
    okta.setFaults({ invalidJsonNext: 1 });
    const source = createOktaSource(cfg);
    expect(await source.listUpdatedSince(since)).toEqual(all);
    expect(source.stats().retries).toBe(1);
  });

  it('follows a next link to another origin on OKTA_ORG_URL: every page read here, nothing sent there', async () => {
    okta.setFaults({ foreignNextLink: true });
    const moved: MovedLink[] = [];
    const users = await createOktaSource({ ...cfg, onLinkMoved: (m) => moved.push(m) }).listUpdatedSince(since);
    expect(users).toHaveLength(450);
    expect(okta.requests.filter((r) => r.path === '/api/v1/users')).toHaveLength(3);
    expect(moved).toEqual([
      { from: 'https://foreign-okta.invalid', to: okta.url },
      { from: 'https://foreign-okta.invalid', to: okta.url },
    ]);
  });

  it('reads the System Log from a checkpoint: each() stops at the empty page and its next link is the next checkpoint', async () => {
    const source = createOktaSource(cfg);
    const start = new Date(Date.now() - 1000).toISOString();
    const first = await source.readLog({ since: start });
    expect(first.events).toEqual([]);
    expect(first.nextUri).toMatch(new RegExp(`^${okta.url}/api/v1/logs\\?`));

    const [a, b] = okta.state.users().filter((u) => u.status === 'ACTIVE');
    if (!a || !b) throw new Error('no users');
    okta.state.updateProfile(a.id, { title: 'Changed' });
    okta.state.setStatus(b.id, 'SUSPENDED');
    okta.state.updateProfile(b.id, { title: 'Changed too' }); // still logged, even for a suspended user
    const second = await source.readLog({ since: start, ...(first.nextUri ? { nextUri: first.nextUri } : {}) });
    expect(second.events.map((e) => [e.eventType, e.targets.find((t) => t.type === 'User')?.id])).toEqual([
      ['user.account.update_profile', a.id],
      ['user.lifecycle.suspend', b.id],
      ['user.account.update_profile', b.id],
    ]);
    expect(second.nextUri).not.toBe(first.nextUri);
    const third = await source.readLog({ since: start, ...(second.nextUri ? { nextUri: second.nextUri } : {}) });
    expect(third.events).toEqual([]);
    // Only the watched event types are asked for.
    expect(okta.requests.filter((r) => r.path === '/api/v1/logs').every((r) => r.query.filter?.includes('eventType sw "user.lifecycle."'))).toBe(true);
  });

  it('refuses a stored checkpoint on another origin before sending anything', async () => {
    const err = await createOktaSource(cfg)
      .readLog({ since, nextUri: 'https://evil.example.com/api/v1/logs?after=1' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'incomplete' });
    expect(okta.requests).toHaveLength(0);
  });
});
