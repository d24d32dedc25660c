import { advanceCursor, baselineCursor, freshEvents, freshUpdates, needsBaseline, updatedSince } from '../../sync/incremental-cursor';
import {
  reassignedGroupIds,
  isWatched,
  touchedUsers,
  unnamedGroupIds,
  AUTO_RECONCILE_MIN,
  changedGroupIds,
  fullReadCalls,
  reconcileInstead,
  type FullReadBasis,
  type LogEvent,
  type LogTarget,
  type Relevance,
} from '../../sync/incremental';

const APP = '0oawfmapp0000000001';
const user = (id: string, login = `${id}@example.com`): LogTarget => ({ id, type: 'User', alternateId: login });
const group = (id: string, name: string): LogTarget => ({ id, type: 'UserGroup', alternateId: 'unknown', displayName: name });
const app = (id = APP): LogTarget => ({ id, type: 'AppInstance', alternateId: 'WFM', displayName: 'WFM' });
const appUser = (login: string): LogTarget => ({ id: '0uaAPPUSERID', type: 'AppUser', alternateId: login });
let n = 0;
const ev = (eventType: string, ...targets: LogTarget[]): LogEvent => ({ uuid: `uuid-${(n += 1)}`, eventType, published: '2026-01-01T00:00:00.000Z', targets });

const rel: Relevance = { appId: APP, groupNames: new Set(['WFM Supervisors', 'Team East']), appGroupIds: new Set(['00gAGENTS']) };

describe('touchedUsers: the users an event touches', () => {
  it.each<[string, LogEvent, string[]]>([
    ['a lifecycle change', ev('user.lifecycle.suspend', user('00uA')), ['00uA']],
    ['a deletion', ev('user.lifecycle.delete.completed', user('00uA')), ['00uA']],
    ['a profile update', ev('user.account.update_profile', user('00uA')), ['00uA']],
    ['a role group membership', ev('group.user_membership.add', user('00uA'), group('00gSUP', 'WFM Supervisors')), ['00uA']],
    ['a rule group membership removed', ev('group.user_membership.remove', user('00uA'), group('00gEAST', 'Team East')), ['00uA']],
    ['a membership of a group assigned to the app', ev('group.user_membership.add', user('00uA'), group('00gAGENTS', 'WFM Agents')), ['00uA']],
    ['a membership of a group nobody looks at', ev('group.user_membership.add', user('00uA'), group('00gENG', 'Engineering')), []],
    ['a membership with no group target (every target is optional): read again', ev('group.user_membership.remove', user('00uA')), ['00uA']],
    ['an event naming several users: each of them', ev('user.lifecycle.suspend', user('00uA'), user('00uB')), ['00uA', '00uB']],
    ['a membership of a group named by id here, its target without a name', ev('group.user_membership.add', user('00uA'), { id: '00gAGENTS', type: 'UserGroup' }), ['00uA']],
    ['an assignment to the app: the User target, never the AppUser id', ev('application.user_membership.add', appUser('a@example.com'), app(), user('00uA')), ['00uA']],
    ['an assignment known only by the AppUser login', ev('application.user_membership.remove', appUser('a@example.com'), app()), ['a@example.com']],
    [
      "an AppUser target carrying the user's own id (as the API's AppUser has it) and an app username",
      ev('application.user_membership.add', { id: '00uOWN', type: 'AppUser', alternateId: 'jdoe-app' }, app()),
      ['jdoe-app', '00uOWN'],
    ],
    ['an assignment to another app', ev('application.user_membership.add', appUser('a@example.com'), app('0oaOTHER'), user('00uA')), []],
    ['a password change', ev('user.account.update_password', user('00uA')), []],
    ['a sign-in', ev('user.session.start', user('00uA')), []],
  ])('%s', (_name, event, expected) => expect(touchedUsers([event], rel)).toEqual(expected));

  it('in group scope (OKTA_GROUPS) app assignments do not matter', () => {
    const groupScope: Relevance = { groupNames: new Set(['WFM Agents']), appGroupIds: new Set() };
    expect(touchedUsers([ev('application.user_membership.add', app(), user('00uA'))], groupScope)).toEqual([]);
    expect(touchedUsers([ev('group.user_membership.add', user('00uB'), group('00gX', 'WFM Agents'))], groupScope)).toEqual(['00uB']);
  });

  it('names each user once, in log order', () => {
    const events = [ev('user.account.update_profile', user('00uB')), ev('user.lifecycle.suspend', user('00uA')), ev('user.lifecycle.unsuspend', user('00uB'))];
    expect(touchedUsers(events, rel)).toEqual(['00uB', '00uA']);
  });
});

describe('unnamedGroupIds: membership changes only the app group list can judge', () => {
  it('lists groups not known by name, once', () => {
    const events = [
      ev('group.user_membership.add', user('00uA'), group('00gSUP', 'WFM Supervisors')),
      ev('group.user_membership.add', user('00uA'), group('00gENG', 'Engineering')),
      ev('group.user_membership.remove', user('00uB'), group('00gENG', 'Engineering')),
      ev('user.lifecycle.suspend', user('00uC')),
    ];
    expect(unnamedGroupIds(events, rel.groupNames)).toEqual(['00gENG']);
  });

  it('a group the settings name by id counts as named, whatever its name', () => {
    const byId: Relevance = { ...rel, groupNames: new Set(['00g1emaKYZTWRYYRRTSK']) };
    const events = [
      ev('group.user_membership.add', user('00uA'), group('00g1emaKYZTWRYYRRTSK', 'Renamed Leads')),
      ev('group.user_membership.add', user('00uB'), group('00gENG', 'Engineering')),
    ];
    expect(touchedUsers(events, byId)).toEqual(['00uA']);
    expect(unnamedGroupIds(events, byId.groupNames)).toEqual(['00gENG']);
  });
});

describe('isWatched', () => {
  it.each([
    ['user.lifecycle.activate', true],
    ['user.account.update_profile', true],
    ['group.user_membership.add', true],
    ['application.user_membership.change_username', true],
    ['user.account.lock', false],
    ['group.lifecycle.create', false],
  ])('%s: %s', (type, watched) => expect(isWatched(type)).toBe(watched));
});

describe('the cursor', () => {
  const start = Date.parse('2026-03-01T10:00:00.000Z');
  const base = baselineCursor(start, start + 5000, ['00uRETRY']);

  it('starts when the full sync began, reading the log and lastUpdated from a little before', () => {
    expect(base).toMatchObject({
      baselineAt: '2026-03-01T10:00:00.000Z',
      logSince: '2026-03-01T09:58:00.000Z',
      watermark: '2026-03-01T10:00:00.000Z',
      retry: ['00uRETRY'],
      savedAt: '2026-03-01T10:00:05.000Z',
    });
    expect(updatedSince(base)).toBe('2026-03-01T09:58:00.000Z');
  });

  it('is rebuilt from a full sync when missing or older than the System Log keeps', () => {
    expect(needsBaseline(undefined, start)).toBe(true);
    expect(needsBaseline(base, start + 79 * 24 * 3600 * 1000)).toBe(false);
    expect(needsBaseline(base, start + 81 * 24 * 3600 * 1000)).toBe(true);
  });

  it('moves the watermark to the newest lastUpdated and remembers the users within the overlap', () => {
    const next = advanceCursor(
      base,
      {
        logNext: 'https://org.okta.com/api/v1/logs?after=42',
        events: [ev('user.lifecycle.suspend', user('00uA'))],
        updated: [
          { id: '00uA', lastUpdated: '2026-03-01T10:05:00.000Z' },
          { id: '00uB', lastUpdated: '2026-03-01T10:04:30.000Z' },
          { id: '00uC', lastUpdated: '2026-03-01T10:01:00.000Z' },
        ],
      },
      [],
      start + 400_000,
    );
    expect(next).toMatchObject({
      logNext: 'https://org.okta.com/api/v1/logs?after=42',
      watermark: '2026-03-01T10:05:00.000Z',
      recent: { '00uA': '2026-03-01T10:05:00.000Z', '00uB': '2026-03-01T10:04:30.000Z' },
      retry: [],
      baselineAt: base.baselineAt,
    });
    expect(next.seenUuids).toHaveLength(1);
    expect(updatedSince(next)).toBe('2026-03-01T10:03:00.000Z');
  });

  it('keeps its next link and watermark when a run read nothing new', () => {
    const once = advanceCursor(base, { logNext: 'https://org.okta.com/api/v1/logs?after=7', events: [], updated: [] }, [], start + 1);
    const twice = advanceCursor(once, { logNext: undefined, events: [], updated: [] }, ['00uX', '00uX'], start + 2);
    expect(twice).toMatchObject({ logNext: 'https://org.okta.com/api/v1/logs?after=7', watermark: base.watermark, retry: ['00uX'] });
  });

  it('a System Log read that ended without a next link moves `since` to just before its newest event', () => {
    const withLink = advanceCursor(base, { logNext: 'https://org.okta.com/api/v1/logs?after=7', events: [], updated: [] }, [], start + 1);
    const at = (published: string): LogEvent => ({ ...ev('user.lifecycle.suspend', user('00uA')), published });
    const events = [at('2026-03-01T10:10:00Z'), at('2026-03-01T10:30:00.000+00:00'), at('')];
    const hourLater = start + 3_600_000;
    const next = advanceCursor(withLink, { logNext: undefined, events, updated: [] }, [], hourLater);
    expect(next.logNext).toBeUndefined();
    expect(next.logSince).toBe('2026-03-01T10:28:00.000Z');
    expect(next.seenUuids).toEqual(events.map((e) => e.uuid));
    // Never backwards, and with no readable time nothing moves.
    expect(advanceCursor(next, { logNext: undefined, events: [at('2026-02-01T00:00:00Z')], updated: [] }, [], hourLater).logSince).toBe('2026-03-01T10:28:00.000Z');
    expect(advanceCursor(withLink, { logNext: undefined, events: [at('')], updated: [] }, [], hourLater)).toMatchObject({ logSince: base.logSince, logNext: withLink.logNext });
  });

  it('a time stamped ahead of the clock (a skewed or imported record) moves neither `since` nor the watermark past the next changes', () => {
    const now = start + 60_000; // 10:01
    const at = (published: string): LogEvent => ({ ...ev('user.lifecycle.suspend', user('00uA')), published });
    const next = advanceCursor(
      base,
      { logNext: undefined, events: [at('2099-01-01T00:00:00.000Z'), at('2026-03-01T10:00:30.000Z')], updated: [{ id: '00uF', lastUpdated: '2099-01-01T00:00:00.000Z' }] },
      [],
      now,
    );
    // No further than now: the next read starts the overlap before it.
    expect(next).toMatchObject({ logSince: '2026-03-01T09:59:00.000Z', watermark: '2026-03-01T10:01:00.000Z' });
    expect(updatedSince(next)).toBe('2026-03-01T09:59:00.000Z');
    // Times before now are taken as they are.
    const past = advanceCursor(base, { logNext: undefined, events: [at('2026-03-01T10:00:30.000Z')], updated: [{ id: '00uG', lastUpdated: '2026-03-01T10:00:30.000Z' }] }, [], now);
    expect(past).toMatchObject({ logSince: '2026-03-01T09:58:30.000Z', watermark: '2026-03-01T10:00:30.000Z' });
  });

  it('keeps only the latest event uuids', () => {
    const events = Array.from({ length: 5 }, () => ev('user.lifecycle.suspend', user('00uA')));
    const next = advanceCursor(base, { logNext: undefined, events, updated: [] }, [], start, { overlapMs: 60_000, keepUuids: 3, maxAgeMs: 1 });
    expect(next.seenUuids).toEqual(events.slice(2).map((e) => e.uuid));
  });
});

describe('dedupe', () => {
  it('drops events already handled, and repeats within one read', () => {
    const [a, b] = [ev('user.lifecycle.suspend', user('00uA')), ev('user.lifecycle.suspend', user('00uB'))];
    if (!a || !b) throw new Error('events');
    expect(freshEvents([a, b, b], [a.uuid])).toEqual([b]);
  });

  it('drops users the overlap lists again with the lastUpdated already handled', () => {
    const recent = { '00uA': '2026-03-01T10:05:00.000Z', '00uB': '2026-03-01T10:04:00.000Z' };
    const updated = [
      { id: '00uA', lastUpdated: '2026-03-01T10:05:00.000Z' }, // same second, already handled
      { id: '00uB', lastUpdated: '2026-03-01T10:05:00.000Z' }, // changed again
      { id: '00uC', lastUpdated: '2026-03-01T10:05:00.000Z' }, // new
    ];
    expect(freshUpdates(updated, recent)).toEqual(['00uB', '00uC']);
  });
});

describe('reading everything instead of each changed user', () => {
  /** 100,000 users as the bench's tenant has them: 89,240 app users, 86,478 in scope. */
  const large: FullReadBasis = { inScope: 86_478, appUsers: 89_240, oktaPageSize: 500, wfmPageSize: 100, wfmReadMode: 'list' };

  it('estimates a full read as the Okta pages, a role-group page and the WFM list pages', () => {
    expect(fullReadCalls(large)).toBe(179 + 1 + 865);
    expect(fullReadCalls({ ...large, appUsers: 0, inScope: 2_500 })).toBe(3 + 1 + 25); // group scope: member pages of 1000
    expect(fullReadCalls({ ...large, wfmReadMode: 'lookup' })).toBe(179 + 1 + 86_478);
    expect(fullReadCalls({ ...large, appUsers: 0, inScope: 0 })).toBe(3);
  });

  it('with auto, reads everything once one by one would cost more, never for a handful of changes', () => {
    expect(reconcileInstead(10, 'auto', large)).toBe(false);
    expect(reconcileInstead(261, 'auto', large)).toBe(false); // 1,044 calls one by one, 1,045 for everything
    expect(reconcileInstead(262, 'auto', large)).toBe(true);
    const small: FullReadBasis = { ...large, inScope: 900, appUsers: 950 };
    expect(reconcileInstead(AUTO_RECONCILE_MIN, 'auto', small)).toBe(false);
    expect(reconcileInstead(AUTO_RECONCILE_MIN + 1, 'auto', small)).toBe(true);
    // A WFM read one lookup a user: reading everything pays off only when a quarter of it changed.
    expect(reconcileInstead(21_000, 'auto', { ...large, wfmReadMode: 'lookup' })).toBe(false);
    expect(reconcileInstead(22_000, 'auto', { ...large, wfmReadMode: 'lookup' })).toBe(true);
    expect(reconcileInstead(50_000, 'auto', undefined)).toBe(false);
  });

  it('with a number, reads everything above it', () => {
    expect(reconcileInstead(3, 3, undefined)).toBe(false);
    expect(reconcileInstead(4, 3, undefined)).toBe(true);
    expect(reconcileInstead(0, 0, large)).toBe(false);
  });
});

describe('changedGroupIds: groups renamed or deleted', () => {
  const event = (eventType: string, targets: LogTarget[]): LogEvent => ({ uuid: `${eventType}-${targets.length}`, eventType, published: '2026-01-01T00:00:00.000Z', targets });
  it('answers the UserGroup targets of group.profile.update and group.lifecycle.delete, once each', () => {
    const g1 = { id: '00g1', type: 'UserGroup' };
    const g2 = { id: '00g2', type: 'UserGroup' };
    expect(
      changedGroupIds([
        event('group.profile.update', [g1]),
        event('group.lifecycle.delete', [g2, { id: '00u1', type: 'User' }]),
        event('group.lifecycle.delete', [g1]),
        event('group.user_membership.add', [{ id: '00u2', type: 'User' }, { id: '00g3', type: 'UserGroup' }]),
      ]),
    ).toEqual(['00g1', '00g2']);
    expect(isWatched('group.profile.update') && isWatched('group.lifecycle.delete')).toBe(true);
  });
});

describe('groups assigned to the app or unassigned from it', () => {
  const at = (eventType: string, targets: LogTarget[]): LogEvent => ({ uuid: `${eventType}-${targets.map((t) => t.id).join()}`, eventType, published: '2026-03-01T10:00:00.000Z', targets });
  const group = (id: string): LogTarget => ({ id, type: 'UserGroup', displayName: id });
  const app = (id: string): LogTarget => ({ id, type: 'AppInstance' });

  it("are this app's group.application_assignment events' groups (or an event's naming no app), each once; none in group scope", () => {
    const events = [
      at('group.application_assignment.add', [group('00gA'), app('0oaTHIS')]),
      at('group.application_assignment.remove', [group('00gB'), app('0oaTHIS')]),
      at('group.application_assignment.add', [group('00gC'), app('0oaOTHER')]),
      at('group.application_assignment.update', [group('00gA')]),
      at('group.user_membership.add', [group('00gD'), { id: '00u1', type: 'User' }]),
    ];
    expect(reassignedGroupIds(events, '0oaTHIS')).toEqual(['00gA', '00gB']);
    expect(reassignedGroupIds(events, undefined)).toEqual([]);
  });
});
