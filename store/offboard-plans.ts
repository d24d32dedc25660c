import type { Redis } from 'ioredis';
import { key } from './redis';

/** A saved plan lives this long; `approve` after that finds nothing and says so. */
export const PLAN_TTL_SECONDS = 24 * 60 * 60;

/** Plan ids are ours (see newRunId); anything else is refused before it reaches a Redis key. */
export const PLAN_ID = /^[A-Za-z0-9._-]{1,100}$/;

export type SavedPlanItem = Readonly<{ wfmId: string; oktaId: string; userName: string }>;

/** The deactivations a guard stopped, kept for an explicit `approve`. */
export type SavedPlan = Readonly<{
  planId: string;
  runId: string;
  createdAt: string;
  expiresAt: string;
  /** What tripped, as the run reported it. */
  reason: string;
  items: readonly SavedPlanItem[];
  /**
   * The Okta org and scope the plan's users were judged against (OKTA_ORG_URL; OKTA_APP_ID or
   * OKTA_GROUPS): `approve` under another refuses it, since the re-check there would find none of them.
   */
  source?: Readonly<{ org: string; scope: string }>;
  /** The counts of the Okta pull the plan came from: approved, its in-scope count is a baseline (it was real). */
  pull?: Readonly<{ inScope: number; appUsers: number }>;
}>;

export type OffboardPlans = {
  save(plan: SavedPlan): Promise<void>;
  get(planId: string): Promise<SavedPlan | undefined>;
  remove(planId: string): Promise<void>;
};

export function createOffboardPlans(redis: Redis, prefix: string): OffboardPlans {
  const planKey = (planId: string): string => key(prefix, 'offboard', 'plan', planId);
  return {
    async save(plan) {
      await redis.set(planKey(plan.planId), JSON.stringify(plan), 'EX', PLAN_TTL_SECONDS);
    },
    async get(planId) {
      if (!PLAN_ID.test(planId)) return undefined;
      const raw = await redis.get(planKey(planId));
      if (raw === null) return undefined;
      try {
        return JSON.parse(raw) as SavedPlan;
      } catch {
        return undefined;
      }
    },
    async remove(planId) {
      if (PLAN_ID.test(planId)) await redis.del(planKey(planId));
    },
  };
}
