import { linkStates } from '../../sync/link-state';
import type { WfmUser } from '../../sync/types';

const user = (id: string, userName: string, externalId?: string): WfmUser => ({
  id, userName, externalId, active: true, version: undefined, raw: { id, userName, ...(externalId ? { externalId } : {}) },
});
const OKTA_A = '00uaaaaaaaaaaaaaaaaa';
const OKTA_B = '00ubbbbbbbbbbbbbbbbb';

describe('linkStates', () => {
  it('managed when linked to an Okta user id, unmanaged without one (an HR number is no link)', () => {
    const states = linkStates([user('w1', 'a@example.com', OKTA_A), user('w2', 'b@example.com'), user('w3', 'c@example.com', 'EMP-4711')]);
    expect(Object.fromEntries(states)).toEqual({ w1: 'managed', w2: 'unmanaged', w3: 'unmanaged' });
  });

  it('conflict when two WFM users share an Okta id or a userName (ignoring case)', () => {
    const states = linkStates([
      user('w1', 'a@example.com', OKTA_A), user('w2', 'a2@example.com', OKTA_A),
      user('w3', 'B@example.com', OKTA_B), user('w4', 'b@example.com'),
      user('w5', 'ok@example.com', '00uccccccccccccccccc'),
    ]);
    expect(Object.fromEntries(states)).toEqual({ w1: 'conflict', w2: 'conflict', w3: 'conflict', w4: 'conflict', w5: 'managed' });
  });

  it('conflict for the WFM users the last full run reported in a conflict, by candidate or by userName', () => {
    const states = linkStates([user('w1', 'a@example.com'), user('w2', 'b@example.com', OKTA_B), user('w3', 'c@example.com')], [
      { oktaId: OKTA_A, userName: 'a@example.com', candidates: ['w1'], reason: 'linked to another Okta user' },
      { oktaId: OKTA_B, userName: 'C@example.com', candidates: [], reason: 'more than one Okta user maps to userName' },
    ]);
    expect(Object.fromEntries(states)).toEqual({ w1: 'conflict', w2: 'managed', w3: 'conflict' });
  });
});
