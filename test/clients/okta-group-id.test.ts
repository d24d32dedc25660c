import { isOktaGroupId, namedGroups } from '../../clients/okta-groups';
import { createOktaState } from '../../sandbox/okta/state';

describe('isOktaGroupId: which setting entries are read as group ids', () => {
  it.each([
    ['the example of Okta\'s spec', '00g1emaKYZTWRYYRRTSK'],
    ['another real-shaped id', '00gak46y5hydV6NdM0g4'],
    ['all digits after the prefix', '00g00000000000000000'],
  ])('%s is an id', (_name, entry) => expect(isOktaGroupId(entry)).toBe(true));

  it.each([
    ['a group name', 'WFM Supervisors'],
    ['a name that starts like an id', '00g team leads'],
    ['too short', '00g1emaKYZTWRYYRRTS'],
    ['too long', '00g1emaKYZTWRYYRRTSKX'],
    ['a user id', '00u1emaKYZTWRYYRRTSK'],
    ['an app id', '0oa1emaKYZTWRYYRRTSK'],
    ['a character outside base62', '00g1emaKYZTWRYYRRT-K'],
    ['an id with spaces around it', ' 00g1emaKYZTWRYYRRTSK '],
    ['the prefix in capitals', '00G1emaKYZTWRYYRRTSK'],
  ])('%s is not', (_name, entry) => expect(isOktaGroupId(entry)).toBe(false));

  it('matches every id the sandbox Okta generates', () => {
    const state = createOktaState({ seed: 3 });
    const ids = Array.from({ length: 200 }, (_, i) => state.createGroup(`Group ${i}`).id);
    expect(ids.filter((id) => !isOktaGroupId(id))).toEqual([]);
  });

  it('namedGroups keeps an id entry as configured, so it is what OktaUser.groups carries', () => {
    const groups = namedGroups({ supervisorGroups: ['00g1emaKYZTWRYYRRTSK'], scopeGroups: ['WFM Agents'], ruleGroups: ['00g1emaKYZTWRYYRRTSK'] });
    expect(groups).toEqual([
      { name: '00g1emaKYZTWRYYRRTSK', setting: 'SUPERVISOR_GROUPS', mapped: true, scope: false },
      { name: 'WFM Agents', setting: 'OKTA_GROUPS', mapped: false, scope: true },
    ]);
  });
});
