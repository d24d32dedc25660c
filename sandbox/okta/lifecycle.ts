import type { UserStatus } from './types';

/** One Okta lifecycle operation: the status it leads to and the System Log event it writes. */
export type LifecycleStep = { to: UserStatus; eventType: string; displayMessage: string };

const activate = (to: UserStatus): LifecycleStep => ({ to, eventType: 'user.lifecycle.activate', displayMessage: 'Activate Okta user' });

/** The direct transitions Okta allows; anything else is reached through them. */
const EDGES: Record<UserStatus, LifecycleStep[]> = {
  STAGED: [activate('ACTIVE'), activate('PROVISIONED')],
  PROVISIONED: [
    activate('ACTIVE'),
    { to: 'RECOVERY', eventType: 'user.account.reset_password', displayMessage: 'Reset Okta user password' },
  ],
  ACTIVE: [
    { to: 'SUSPENDED', eventType: 'user.lifecycle.suspend', displayMessage: 'Suspend Okta user' },
    { to: 'LOCKED_OUT', eventType: 'user.account.lock', displayMessage: 'Max sign in attempts exceeded' },
    { to: 'PASSWORD_EXPIRED', eventType: 'user.account.expire_password', displayMessage: 'Expire Okta user password' },
    { to: 'RECOVERY', eventType: 'user.account.reset_password', displayMessage: 'Reset Okta user password' },
  ],
  SUSPENDED: [{ to: 'ACTIVE', eventType: 'user.lifecycle.unsuspend', displayMessage: 'Unsuspend Okta user' }],
  LOCKED_OUT: [{ to: 'ACTIVE', eventType: 'user.account.unlock', displayMessage: 'Unlock Okta user' }],
  PASSWORD_EXPIRED: [{ to: 'ACTIVE', eventType: 'user.account.update_password', displayMessage: 'User update password for Okta' }],
  RECOVERY: [{ to: 'ACTIVE', eventType: 'user.account.update_password', displayMessage: 'User update password for Okta' }],
  DEPROVISIONED: [
    { to: 'PROVISIONED', eventType: 'user.lifecycle.reactivate', displayMessage: 'Reactivate Okta user' },
    activate('ACTIVE'),
  ],
};

const DEACTIVATE: LifecycleStep = { to: 'DEPROVISIONED', eventType: 'user.lifecycle.deactivate', displayMessage: 'Deactivate Okta user' };

function edgesFrom(status: UserStatus): LifecycleStep[] {
  return status === 'DEPROVISIONED' ? EDGES.DEPROVISIONED : [...EDGES[status], DEACTIVATE];
}

/**
 * The shortest chain of lifecycle operations from one status to another (breadth first), or
 * undefined when Okta offers none (nothing ever goes back to STAGED).
 */
export function lifecyclePath(from: UserStatus, to: UserStatus): LifecycleStep[] | undefined {
  if (from === to) return [];
  const seen = new Set<UserStatus>([from]);
  let frontier: Array<{ at: UserStatus; path: LifecycleStep[] }> = [{ at: from, path: [] }];
  while (frontier.length > 0) {
    const next: typeof frontier = [];
    for (const { at, path } of frontier) {
      for (const step of edgesFrom(at)) {
        if (seen.has(step.to)) continue;
        const extended = [...path, step];
        if (step.to === to) return extended;
        seen.add(step.to);
        next.push({ at: step.to, path: extended });
      }
    }
    frontier = next;
  }
  return undefined;
}
