import { randomBytes } from 'node:crypto';
import { createRedis } from '../../store/redis';
import { createRunChildren } from '../../store/run-children';
import type { CreateAction } from '../../sync/types';
import { REDIS_URL } from '../helpers/harness';

describe('the write bookkeeping scripts on an auto-pipelined client', () => {
  it('run from the first command, in the same tick as other commands', async () => {
    const redis = createRedis(REDIS_URL);
    const prefix = `okta-wfm-test-${randomBytes(4).toString('hex')}`;
    try {
      const children = createRunChildren(redis, prefix);
      // Another command opens the tick's pipeline first; the script must still be known to it.
      const [len, loaded] = await Promise.all([redis.hlen(`${prefix}:x`), children.load('run-1', '00u1'), children.load('run-1', '00u2')]);
      expect(len).toBe(0);
      expect(loaded).toEqual({ action: undefined, outcome: undefined, stopped: undefined });
      const outcome = { oktaId: '00u1', userName: 'a@example.com', action: 'create' as const, appliedAs: 'create' as const };
      const audit = { at: new Date(0).toISOString(), runId: 'run-1', action: 'create', oktaId: '00u1', userName: 'a@example.com', wfmId: 'w1', outcome: 'applied' as const, changes: [] };
      const [first, again] = await Promise.all([children.complete('run-1', outcome, { audit }), children.complete('run-1', outcome, { audit })]);
      expect([first, again].sort()).toEqual([false, true]);
      expect((await children.load('run-1', '00u1')).outcome).toEqual(outcome);
      expect(await redis.xlen(`${prefix}:audit`)).toBe(1);
    } finally {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  });

  it('a run planned again replaces the planned write of a user with no outcome yet, so its job writes the newer values', async () => {
    const redis = createRedis(REDIS_URL);
    const prefix = `okta-wfm-test-${randomBytes(4).toString('hex')}`;
    const update = (id: string, department: string): CreateAction => ({ type: 'create', oktaId: id, userName: `${id}@example.com`, reason: 'new', desired: { oktaId: id, userName: `${id}@example.com`, attrs: { 'enterprise.department': department } } });
    try {
      const children = createRunChildren(redis, prefix);
      expect((await children.register('run-3', [update('00u1', 'V1'), update('00u2', 'V1')])).map((p) => p.fresh)).toEqual([true, true]);
      await children.complete('run-3', { oktaId: '00u2', userName: '00u2@example.com', action: 'create', appliedAs: 'create' });
      // Planned again after Okta changed: 00u1 is pending (not fresh: a job of the first planning may run), 00u2 is done.
      const again = await children.register('run-3', [update('00u1', 'V2'), update('00u2', 'V2')]);
      expect(again.map((p) => [p.action.oktaId, p.fresh])).toEqual([['00u1', false]]);
      expect((await children.load('run-3', '00u1')).action?.desired.attrs['enterprise.department']).toBe('V2');
      expect((await children.load('run-3', '00u2')).outcome?.appliedAs).toBe('create');
    } finally {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  });

  it("let a run's planned writes go with the outcome that completes them, whether or not the run is there to", async () => {
    const redis = createRedis(REDIS_URL);
    const prefix = `okta-wfm-test-${randomBytes(4).toString('hex')}`;
    const runKey = (name: string): string => `${prefix}:run:run-2:${name}`;
    const create = (id: string): CreateAction => ({ type: 'create', oktaId: id, userName: `${id}@example.com`, reason: 'new', desired: { oktaId: id, userName: `${id}@example.com`, attrs: {} } });
    try {
      const children = createRunChildren(redis, prefix);
      expect(await children.register('run-2', [create('00u1'), create('00u2')])).toHaveLength(2);
      await children.complete('run-2', { oktaId: '00u1', userName: '00u1@example.com', action: 'create', error: 'refused' });
      expect(await redis.hlen(runKey('actions'))).toBe(2);
      // The last one, recorded with no audit entry (a write not attempted): the planned writes go.
      await children.complete('run-2', { oktaId: '00u2', userName: '00u2@example.com', action: 'create', error: 'not attempted' });
      expect(await redis.exists(runKey('actions'))).toBe(0);
      expect([await redis.hlen(runKey('ids')), await redis.hlen(runKey('outcomes'))]).toEqual([2, 2]);
      expect(await redis.exists(`${prefix}:audit`)).toBe(0);
      expect(await children.progress('run-2')).toEqual({ total: 2, done: 2 });
    } finally {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  });
});
