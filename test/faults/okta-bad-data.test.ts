import { countRequests } from '../../sandbox/wfm/server';
import type { Failure } from '../../sync/report';
import { startHarness, type Harness } from '../helpers/harness';
import { CONVERGED, divergence } from './helpers/converge';

type Profile = Record<string, unknown>;
const person = (login: string, extra: Profile = {}): Profile => ({ login, email: login, firstName: 'Bad', lastName: 'Data', ...extra });
const LONG = 'A'.repeat(300);

/** Users real Okta would refuse today but may still serve (or another implementation would). */
const BAD: Record<string, { profile: Profile; failure: Omit<Failure, 'oktaId'> }> = {
  'missing email': {
    profile: { login: 'no.email@example.com', firstName: 'No', lastName: 'Email' },
    failure: { userName: 'no.email@example.com', action: 'map', error: 'emails.work is empty (its Okta source is missing)' },
  },
  'invalid email': {
    profile: person('bad.email@example.com', { email: 'not-an-email' }),
    failure: { userName: 'bad.email@example.com', action: 'map', error: 'emails.work "not-an-email" is not an email address' },
  },
  '300-character name': {
    profile: person('long.name@example.com', { firstName: LONG }),
    failure: { userName: 'long.name@example.com', action: 'map', error: 'name.givenName is 300 characters long (at most 256)' },
  },
  'control character in a name': {
    profile: person('tab.name@example.com', { lastName: 'Tab\tName' }),
    failure: { userName: 'tab.name@example.com', action: 'map', error: 'name.familyName contains control characters' },
  },
  'control character in the login': {
    profile: person('line\nbreak@example.com', { email: 'line.break@example.com' }),
    failure: { userName: 'line\nbreak@example.com', action: 'map', error: 'userName contains control characters' },
  },
  'login differing only in case (1)': {
    profile: person('Case.Twin@example.com'),
    failure: { userName: 'Case.Twin@example.com', action: 'conflict', error: 'more than one Okta user maps to userName "Case.Twin@example.com"' },
  },
  'login differing only in case (2)': {
    profile: person('case.twin@example.com'),
    failure: { userName: 'case.twin@example.com', action: 'conflict', error: 'more than one Okta user maps to userName "case.twin@example.com"' },
  },
};

/** Strange but valid: synced exactly as they are. */
const ODD: Record<string, Profile> = {
  emoji: person('emoji.fan@example.com', { firstName: 'Zoë 😀', lastName: 'Ng 🎧', department: 'Support 🚀' }),
  'emoji in the login': person('smile😀@example.com'),
  'a quote in the login': person('quote"mark@example.com'),
  'a backslash in the login': person('back\\slash@example.com'),
  'a plus in the login': person('plus+tag@example.com'),
  'a crafted login that an unescaped filter would read as another': person('victim@example.com\\'),
};

const LINKED = ['a quote in the login', 'a backslash in the login', 'a plus in the login'];

describe('bad data from Okta: each user handled alone, with its reason', () => {
  let h: Harness;
  const ids = new Map<string, string>();
  const seeded = new Map<string, string>();
  let noLogin = '';
  beforeAll(async () => {
    h = await startHarness({ users: 80, seed: 95 });
    const add = (name: string, profile: Profile): void => {
      const user = h.okta.state.insertRawUser({ profile });
      h.okta.state.assignUserToApp(h.okta.appId, user.id);
      ids.set(name, user.id);
    };
    add('victim', person('victim@example.com', { firstName: 'Vic', lastName: 'Tim' }));
    for (const [name, { profile }] of Object.entries(BAD)) add(name, profile);
    for (const [name, profile] of Object.entries(ODD)) add(name, profile);
    add('no login', { email: 'no.login@example.com', firstName: 'No', lastName: 'Login' });
    noLogin = ids.get('no login') ?? '';
    // WFM users a WFM admin made by hand (no externalId): found by userName, so by an escaped filter.
    for (const name of LINKED) {
      const login = String(ODD[name]?.login);
      seeded.set(name, String(h.wfm.state.seedUser({ userName: login, name: { givenName: 'Bad', familyName: 'Data' }, emails: [{ value: login, type: 'work' }], active: true }).id));
    }
  });
  afterAll(() => h.close());
  const badIds = (): Set<string> => new Set([...Object.keys(BAD), 'no login'].map((n) => ids.get(n) ?? ''));

  it('fails exactly the bad users, each with a clear reason, and syncs everyone else exactly', async () => {
    // Lookup mode: each user is looked for by externalId, then by userName, through SCIM filters.
    const { code, report } = await h.cli(['sync', '--once', '--json'], { WFM_READ_MODE: 'lookup' });
    expect(code).toBe(1);
    expect(report?.error).toBeUndefined();
    const expected = [
      ...Object.entries(BAD).map(([name, { failure }]) => ({ oktaId: ids.get(name), ...failure })),
      { oktaId: noLogin, userName: '', action: 'map', error: expect.stringMatching(/^Okta user data is unusable \(profile\.login: /) },
    ];
    expect(report?.failed).toHaveLength(expected.length);
    expect(report?.failed).toEqual(expect.arrayContaining(expected));
    for (const id of badIds()) expect(h.wfm.state.all().some((u) => u.externalId === id)).toBe(false);
    expect(divergence(h, badIds())).toEqual(CONVERGED);
    // Every filter parsed (quotes and backslashes escaped), and the hand-made users were linked, not duplicated.
    expect(countRequests(h.wfm.requests, { method: 'GET', status: 400 })).toBe(0);
    expect(countRequests(h.wfm.requests, { method: 'POST', status: 409 })).toBe(0);
    for (const name of LINKED) expect(h.wfm.state.get(seeded.get(name) ?? '')?.externalId).toBe(ids.get(name));
  });

  it('keeps odd but valid values exactly as Okta has them', () => {
    const wfmOf = (name: string) => h.wfm.state.all().find((u) => u.externalId === ids.get(name));
    expect(wfmOf('emoji')).toMatchObject({ name: { givenName: 'Zoë 😀', familyName: 'Ng 🎧' }, displayName: 'Zoë 😀 Ng 🎧' });
    for (const name of Object.keys(ODD)) expect(wfmOf(name)?.userName).toBe(ODD[name]?.login);
    // The crafted login got a user of its own; the user it names was not touched by it.
    expect(wfmOf('victim')).toMatchObject({ userName: 'victim@example.com', externalId: ids.get('victim'), name: { givenName: 'Vic' } });
  });

  it.each([['list'], ['lookup']])('a second run (WFM_READ_MODE=%s) finds every user again: no write', async (mode) => {
    h.wfm.requests.length = 0;
    const { code, report } = await h.cli(['sync', '--once', '--json'], { WFM_READ_MODE: mode });
    expect(code).toBe(1); // the bad users still fail, with the same reasons
    expect(report?.failed.map((f) => f.oktaId).sort()).toEqual([...badIds()].sort());
    expect(countRequests(h.wfm.requests, { method: ['POST', 'PUT'] })).toBe(0);
  });
});
