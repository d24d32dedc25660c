import { countRequests } from '../../sandbox/wfm/server';
import type { UserRecord } from '../../sandbox/okta/types';
import { CONVERGED, divergence } from '../faults/helpers/converge';
import { startHarness, type Harness } from '../helpers/harness';

type Profile = Record<string, unknown>;
const person = (login: string, extra: Profile = {}): Profile => ({ login, email: login, firstName: 'Odd', lastName: 'Shape', ...extra });
const NFD = (s: string): string => s.normalize('NFD');

/** Correct data of unusual shape: synced, then left alone run after run. */
const ODD: Record<string, Profile> = {
  'login and email in upper case': person('SHOUTING.USER@EXAMPLE.COM'),
  'values padded with spaces': person('  padded@example.com ', { firstName: '  Pad ', lastName: 'Ded  ', department: ' Ops ' }),
  'right-to-left scripts': person('rtl@example.com', { firstName: 'مريم', lastName: 'כהן', department: 'תמיכה' }),
  'accents decomposed (NFD)': person(NFD('renée.åsa@example.com'), { firstName: NFD('Renée'), lastName: NFD('Åsa-Müller') }),
  'a number where text is mapped': person('numbered@example.com', { employeeNumber: 1042 }),
  'null and empty optional values': person('sparse@example.com', { department: null, employeeNumber: '', mobilePhone: null }),
  'a display name at the length limit': person('long.name@example.com', { lastName: 'L'.repeat(252) }),
  'an emoji joined by zero-width joiners': person('dev@example.com', { firstName: '👩‍💻 Dev' }),
};

/** Bad data: that user fails with its reason, nothing of it reaches the WFM. */
const BAD: Record<string, { profile: Profile; error: string }> = {
  'a zero-width space in the login': {
    profile: person('zero\u200bwidth@example.com', { email: 'zerowidth@example.com' }),
    error: 'userName contains invisible characters (zero-width, joiner or direction mark)',
  },
  'a list where the email is mapped': {
    profile: person('listed.email@example.com', { email: ['listed.email@example.com', 'other@example.com'] }),
    error: "emails.work: Okta's profile.email is a list, not a single value",
  },
};

/**
 * Awkward Okta data through the whole pipeline: the real SDK against the sandbox Okta over HTTP,
 * the real SCIM client against the sandbox WFM.
 */
describe('awkward Okta data, end to end', () => {
  let h: Harness;
  const ids = new Map<string, string>();
  const records = new Map<string, UserRecord>();
  const wfmOf = (name: string) => h.wfm.state.all().filter((u) => u.externalId === ids.get(name));
  const writes = (): number => countRequests(h.wfm.requests, { method: ['POST', 'PUT'] });
  const badIds = (): Set<string> => new Set(Object.keys(BAD).map((n) => ids.get(n) ?? ''));

  beforeAll(async () => {
    h = await startHarness({ users: 20, seed: 43 });
    const add = (name: string, profile: Profile): void => {
      const user = h.okta.state.insertRawUser({ profile });
      h.okta.state.assignUserToApp(h.okta.appId, user.id);
      ids.set(name, user.id);
      records.set(name, user);
    };
    for (const [name, profile] of Object.entries(ODD)) add(name, profile);
    for (const [name, { profile }] of Object.entries(BAD)) add(name, profile);
    add('listed later', person('listed.later@example.com', { department: 'Sales' }));
    add('renamed', person('before.rename@example.com'));
  });
  afterAll(() => h.close());

  it('syncs the odd values, fails the bad users with their reasons, and writes nothing on the next run', async () => {
    const first = await h.cli(['sync', '--once', '--json']);
    expect(first.code).toBe(1);
    expect(first.report?.error).toBeUndefined();
    expect(first.report?.failed).toEqual(
      expect.arrayContaining(Object.entries(BAD).map(([name, { error }]) => ({ oktaId: ids.get(name), userName: expect.any(String), action: 'map', error }))),
    );
    expect(first.report?.failed).toHaveLength(Object.keys(BAD).length);
    for (const name of Object.keys(BAD)) expect(wfmOf(name)).toEqual([]);
    expect(divergence(h, badIds())).toEqual(CONVERGED);
    expect(wfmOf('accents decomposed (NFD)')[0]).toMatchObject({ userName: 'renée.åsa@example.com'.normalize('NFC'), name: { givenName: 'Renée'.normalize('NFC') } });
    expect(wfmOf('values padded with spaces')[0]).toMatchObject({ userName: 'padded@example.com', displayName: 'Pad Ded' });

    for (const mode of ['list', 'lookup']) {
      h.wfm.requests.length = 0;
      const again = await h.cli(['sync', '--once', '--json'], { WFM_READ_MODE: mode });
      expect(again.report?.failed.map((f) => f.oktaId).sort()).toEqual([...badIds()].sort());
      expect(writes()).toBe(0);
    }
  });

  it('a mapped attribute that turns into a list fails that user and keeps the value the WFM holds', async () => {
    const record = records.get('listed later');
    if (!record) throw new Error('not seeded');
    record.profile = { ...record.profile, department: ['Sales', 'Support'] };
    h.wfm.requests.length = 0;
    const { report } = await h.cli(['sync', '--once', '--json']);
    expect(report?.failed).toContainEqual({
      oktaId: ids.get('listed later'),
      userName: 'listed.later@example.com',
      action: 'map',
      error: "enterprise.department: Okta's profile.department is a list, not a single value",
    });
    expect(wfmOf('listed later')[0]?.['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']).toEqual({ department: 'Sales' });
    expect(writes()).toBe(0);
  });

  it.each([['list', 'after.rename@example.com'], ['lookup', 'Third.Name@example.com']])(
    'a login changed in Okta renames the WFM user linked by externalId, never a second one (%s)',
    async (mode, login) => {
      const id = ids.get('renamed') ?? '';
      const [before] = wfmOf('renamed');
      h.okta.state.updateProfile(id, { login, email: login });
      h.wfm.requests.length = 0;
      await h.cli(['sync', '--once', '--json'], { WFM_READ_MODE: mode });
      expect(wfmOf('renamed')).toEqual([expect.objectContaining({ id: before?.id, userName: login, emails: [{ value: login, type: 'work', primary: true }] })]);
      expect(countRequests(h.wfm.requests, { method: 'POST' })).toBe(0);
      h.wfm.requests.length = 0;
      await h.cli(['sync', '--once', '--json'], { WFM_READ_MODE: mode });
      expect(writes()).toBe(0);
    },
  );
});
