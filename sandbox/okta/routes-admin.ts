import express, { Router, type Response } from 'express';
import { z } from 'zod';
import { wireOf, type SandboxContext } from './context';
import { faultsPatchSchema } from './faults';
import { generateOrg, summarizeOrg } from './generator';
import { LIMITED_BUCKETS } from './rate-limit';
import { groupJson, userJson } from './serialize';
import { USER_STATUSES } from './types';

const profileSchema = z.record(z.string(), z.unknown());
const createUserSchema = z.object({ profile: profileSchema, status: z.enum(USER_STATUSES).optional(), id: z.string().optional() });
const statusSchema = z.object({ status: z.enum(USER_STATUSES) });
const createGroupSchema = z.object({ name: z.string().min(1), description: z.string().optional() });
const seedSchema = z.object({ users: z.number().int().min(0).max(200000), seed: z.number().int().default(42) });
const serviceAppSchema = z.object({
  clientId: z.string().min(1),
  jwk: z.record(z.string(), z.unknown()).optional(),
  pem: z.string().optional(),
  kid: z.string().optional(),
  scopes: z.array(z.string()).min(1),
  dpopBoundAccessTokens: z.boolean().optional(),
});
const rateLimitsSchema = z.object({
  limits: z.partialRecord(z.enum(LIMITED_BUCKETS), z.number().int().min(0)).optional(),
  windowMs: z.number().int().min(1).optional(),
});

const noContent = (res: Response): void => {
  res.status(204).end();
};

/**
 * The sandbox's own admin API (outside /api/v1), so a sandbox in another process can be driven.
 * Every mutation goes through OktaState and so writes the System Log events Okta writes.
 */
export function adminRouter(ctx: SandboxContext): Router {
  const router = Router();
  router.use(express.json({ limit: '5mb' }));
  const { state } = ctx;

  router.post('/_sandbox/users', (req, res) => {
    const input = createUserSchema.parse(req.body);
    const user = state.createUser(input);
    res.status(201).json(userJson(user, wireOf(req, ctx), { full: true }));
  });
  // TEST SWITCH: no profile checks (state.insertRawUser), for data real Okta would refuse today.
  router.post('/_sandbox/raw-users', (req, res) => {
    const user = state.insertRawUser(createUserSchema.parse(req.body));
    res.status(201).json(userJson(user, wireOf(req, ctx), { full: true }));
  });
  router.post('/_sandbox/users/:id/profile', (req, res) => {
    const user = state.updateProfile(req.params.id, profileSchema.parse(req.body));
    res.status(200).json(userJson(user, wireOf(req, ctx), { full: true }));
  });
  router.post('/_sandbox/users/:id/status', (req, res) => {
    const user = state.setStatus(req.params.id, statusSchema.parse(req.body).status);
    res.status(200).json(userJson(user, wireOf(req, ctx), { full: true }));
  });
  router.delete('/_sandbox/users/:id', (req, res) => {
    state.deleteUser(req.params.id);
    noContent(res);
  });

  router.post('/_sandbox/groups', (req, res) => {
    const input = createGroupSchema.parse(req.body);
    res.status(201).json(groupJson(state.createGroup(input.name, input.description), wireOf(req, ctx)));
  });
  router.delete('/_sandbox/groups/:gid', (req, res) => {
    state.deleteGroup(req.params.gid);
    noContent(res);
  });
  router.post('/_sandbox/groups/:gid/users/:uid', (req, res) => {
    state.addToGroup(req.params.gid, req.params.uid);
    noContent(res);
  });
  router.delete('/_sandbox/groups/:gid/users/:uid', (req, res) => {
    state.removeFromGroup(req.params.gid, req.params.uid);
    noContent(res);
  });

  router.post('/_sandbox/apps/:appId/users/:uid', (req, res) => {
    state.assignUserToApp(req.params.appId, req.params.uid);
    noContent(res);
  });
  router.delete('/_sandbox/apps/:appId/users/:uid', (req, res) => {
    state.unassignUserFromApp(req.params.appId, req.params.uid);
    noContent(res);
  });
  router.post('/_sandbox/apps/:appId/groups/:gid', (req, res) => {
    state.assignGroupToApp(req.params.appId, req.params.gid);
    noContent(res);
  });
  router.delete('/_sandbox/apps/:appId/groups/:gid', (req, res) => {
    state.unassignGroupFromApp(req.params.appId, req.params.gid);
    noContent(res);
  });

  router.get('/_sandbox/faults', (_req, res) => {
    res.status(200).json(ctx.faults.faults);
  });
  router.post('/_sandbox/faults', (req, res) => {
    ctx.faults.apply(faultsPatchSchema.parse(req.body));
    res.status(200).json(ctx.faults.faults);
  });
  router.delete('/_sandbox/faults', (_req, res) => {
    ctx.faults.reset();
    res.status(200).json(ctx.faults.faults);
  });
  router.post('/_sandbox/rate-limits', (req, res) => {
    ctx.limiter.configure(rateLimitsSchema.parse(req.body));
    res.status(200).json(ctx.limiter.config);
  });

  router.get('/_sandbox/requests', (_req, res) => {
    res.status(200).json(ctx.requests);
  });
  router.post('/_sandbox/reset-requests', (_req, res) => {
    ctx.requests.length = 0;
    noContent(res);
  });

  router.post('/_sandbox/seed', (req, res) => {
    const input = seedSchema.parse(req.body ?? {});
    const org = generateOrg(state, { users: input.users, seed: input.seed, appId: ctx.appId, supervisorGroup: ctx.supervisorGroup });
    res.status(200).json({ appId: org.appId, groups: org.groups, users: org.userIds.length });
  });
  router.get('/_sandbox/summary', (_req, res) => {
    res.status(200).json(summarizeOrg(state, { appId: ctx.appId, supervisorGroup: ctx.supervisorGroup }));
  });

  router.post('/_sandbox/service-apps', (req, res) => {
    const app = state.registerServiceApp(serviceAppSchema.parse(req.body));
    res.status(201).json({ clientId: app.clientId, scopes: [...app.scopes], keys: app.keys.map((k) => ({ kid: k.kid })), dpopBoundAccessTokens: app.dpopBoundAccessTokens });
  });
  router.post('/_sandbox/service-apps/:clientId/keys/:kid/deactivate', (req, res) => {
    state.serviceApps.deactivateKey(req.params.clientId, req.params.kid);
    res.status(200).json({ kid: req.params.kid, status: 'INACTIVE' });
  });
  router.delete('/_sandbox/service-apps/:clientId/keys/:kid', (req, res) => {
    state.serviceApps.deleteKey(req.params.clientId, req.params.kid);
    noContent(res);
  });
  router.post('/_sandbox/revoke-tokens', (_req, res) => {
    state.serviceApps.revokeAll();
    noContent(res);
  });

  return router;
}
