import { z } from 'zod';
import { createSeenInScope } from '../store/seen-in-scope';
import type { JobDeps } from './deps';
import { readWfmUsers } from './read-wfm';
import type { RunOutcome } from './run-report';
import { runSyncPipeline } from './sync-pipeline';

export const RESYNC_USER = 'resync-user' as const;

export const resyncUserPayload = z
  .object({ user: z.string().trim().min(1), dryRun: z.boolean().default(false), runId: z.string().optional() })
  .strict();
export type ResyncUserPayload = z.infer<typeof resyncUserPayload>;

/** What a resync of a user Okta does not have says, in its run report and to its trigger. */
export const noSuchOktaUser = (user: string): string => `no such Okta user: ${user}`;

/**
 * Resyncs one user (an Okta id or login): reads it afresh from Okta and its WFM counterpart by
 * lookup, then plans and applies like any run. A user out of scope is left to off-boarding.
 */
export async function runResyncUser(deps: JobDeps, input: Partial<ResyncUserPayload>): Promise<RunOutcome> {
  const payload = resyncUserPayload.parse(input);
  return runSyncPipeline(deps, RESYNC_USER, { dryRun: payload.dryRun, ...(payload.runId ? { runId: payload.runId } : {}) }, {
    async pull() {
      const check = await deps.okta.checkUser(payload.user);
      // A failure of that one user (exit 1), as a user Okta cannot read is in any run: not a run stopped.
      if (!check.found) {
        deps.logger.warn('no such Okta user', { user: payload.user });
        return { users: [], rejected: [{ oktaId: payload.user, userName: payload.user, reason: noSuchOktaUser(payload.user), action: 'read', kind: 'not-found' }], counts: { inScope: 0, outOfScope: 0 } };
      }
      if (!check.inScope) {
        deps.logger.info('user not in scope: left to off-boarding', { oktaId: check.oktaId, status: check.user.status, assigned: check.assigned });
        // A dry run asks for nothing: off-boarding deactivates, and it would do so for every leaver.
        if (!payload.dryRun) await deps.requestOffboard('resync of a user out of scope', [check.oktaId]);
        return { users: [], rejected: [], counts: { inScope: 0, outOfScope: 1 } };
      }
      if (!payload.dryRun) await createSeenInScope(deps.redis, deps.config.redis.prefix).add([check.oktaId]);
      return { users: [check.user], rejected: [], counts: { inScope: 1, outOfScope: 0 } };
    },
    readWfm: (desired) => readWfmUsers(deps.scim, 'lookup', desired, 1, { listWhenRefused: deps.config.wfm.readMode === 'list' }),
    holdsKnownCreates: true,
    writesStoredForms: true,
  });
}
