import { Router } from 'express';
import { sendPage, wireOf, type SandboxContext } from './context';
import { notFound } from './errors';
import { paginate, queryString, readLimit } from './paging';
import { appGroupJson, appUserJson, type Json } from './serialize';
import { iso } from './time';
import type { AppRecord, AppUserRecord } from './types';

function requireApp(ctx: SandboxContext, appId: string): AppRecord {
  const app = ctx.state.getApp(appId);
  if (!app) throw notFound(appId, 'AppInstance');
  return app;
}

const expandsUser = (expand: string | undefined): boolean => expand?.split(',').some((e) => e.trim() === 'user') ?? false;

export function appsRouter(ctx: SandboxContext): Router {
  const router = Router();

  router.get('/api/v1/apps/:appId', (req, res) => {
    const app = requireApp(ctx, req.params.appId);
    const base = `${wireOf(req, ctx).baseUrl}/api/v1/apps/${app.id}`;
    res.status(200).json({
      id: app.id,
      name: app.name,
      label: app.label,
      status: 'ACTIVE',
      created: iso(app.created),
      lastUpdated: iso(app.lastUpdated),
      signOnMode: 'SAML_2_0',
      features: [],
      visibility: { autoSubmitToolbar: false, hide: { iOS: false, web: false } },
      _links: { self: { href: base }, users: { href: `${base}/users` }, groups: { href: `${base}/groups` } },
    });
  });

  router.get('/api/v1/apps/:appId/users', (req, res) => {
    const app = requireApp(ctx, req.params.appId);
    const wire = wireOf(req, ctx);
    const expandUser = expandsUser(queryString(req, 'expand'));
    const q = queryString(req, 'q')?.toLowerCase();
    let appUsers = ctx.state.appUsers(app.id);
    if (q) {
      appUsers = appUsers.filter((a) => {
        const p = ctx.state.getUser(a.userId)?.profile ?? {};
        return [p.login, p.firstName, p.lastName, p.email].some((v) => typeof v === 'string' && v.toLowerCase().startsWith(q));
      });
    }
    const limit = readLimit(req, { def: 50, max: 500 });
    const page = paginate(appUsers, (a) => a.userId, queryString(req, 'after'), limit);
    sendPage(req, res, ctx, page, (a: AppUserRecord): Json => {
      const user = ctx.state.getUser(a.userId);
      if (!user) throw notFound(a.userId, 'User');
      const group = a.groupId === null ? undefined : ctx.state.getGroup(a.groupId);
      return appUserJson(a, user, app, group, wire, { expandUser });
    });
  });

  router.get('/api/v1/apps/:appId/users/:userId', (req, res) => {
    const app = requireApp(ctx, req.params.appId);
    const appUser = ctx.state.appUser(app.id, req.params.userId);
    const user = ctx.state.getUser(req.params.userId);
    if (!appUser || !user) throw notFound(req.params.userId, 'AppUser');
    const group = appUser.groupId === null ? undefined : ctx.state.getGroup(appUser.groupId);
    const expandUser = expandsUser(queryString(req, 'expand'));
    res.status(200).json(appUserJson(appUser, user, app, group, wireOf(req, ctx), { expandUser }));
  });

  router.get('/api/v1/apps/:appId/groups', (req, res) => {
    const app = requireApp(ctx, req.params.appId);
    const q = queryString(req, 'q')?.toLowerCase();
    let groups = ctx.state.appGroups(app.id);
    if (q) groups = groups.filter((g) => ctx.state.getGroup(g.groupId)?.name.toLowerCase().startsWith(q) ?? false);
    const limit = readLimit(req, { def: 20, max: 200 });
    const wire = wireOf(req, ctx);
    sendPage(req, res, ctx, paginate(groups, (g) => g.groupId, queryString(req, 'after'), limit), (g) => appGroupJson(g, app, wire));
  });

  return router;
}
