import { Router, type Request } from 'express';
import { sendAll, sendPage, wireOf, type SandboxContext } from './context';
import { notFound } from './errors';
import { paginate, queryString, readLimit } from './paging';
import { applyExpression, groupAttr, groupFilterRules, groupSearchRules, isGroupDate } from './queries';
import { groupJson, userJson, type Json, type WireContext } from './serialize';
import type { GroupRecord, UserRecord } from './types';

function requireGroup(ctx: SandboxContext, id: string): GroupRecord {
  const group = ctx.state.getGroup(id);
  if (!group) throw notFound(id, 'UserGroup');
  return group;
}

function withStats(ctx: SandboxContext, group: GroupRecord, wire: WireContext, expand: string | undefined): Json {
  const json = groupJson(group, wire);
  if (!expand?.split(',').includes('stats')) return json;
  const appsCount = ctx.state.apps().filter((app) => ctx.state.appGroups(app.id).some((a) => a.groupId === group.id)).length;
  return {
    ...json,
    _embedded: { stats: { usersCount: group.members.size, appsCount, groupPushMappingsCount: 0, hasAdminPrivilege: false } },
  };
}

function listGroups(req: Request, ctx: SandboxContext): { groups: GroupRecord[]; paged: boolean } {
  const filter = queryString(req, 'filter');
  const search = queryString(req, 'search');
  const q = queryString(req, 'q');
  let groups = ctx.state.groups();
  if (search !== undefined && search !== '') {
    groups = applyExpression(groups, search, { rules: groupSearchRules, get: groupAttr, isDate: isGroupDate, caseInsensitive: true });
  } else if (filter !== undefined && filter !== '') {
    groups = applyExpression(groups, filter, { rules: groupFilterRules, get: groupAttr, isDate: isGroupDate, caseInsensitive: false });
  }
  if (q !== undefined && q !== '') {
    const prefix = q.toLowerCase();
    // q matches the start of the name and is not paged.
    return { groups: groups.filter((g) => g.name.toLowerCase().startsWith(prefix)), paged: false };
  }
  return { groups, paged: true };
}

export function groupsRouter(ctx: SandboxContext): Router {
  const router = Router();

  router.get('/api/v1/groups', (req, res) => {
    const { groups, paged } = listGroups(req, ctx);
    const wire = wireOf(req, ctx);
    const expand = queryString(req, 'expand');
    const toJson = (g: GroupRecord): Json => withStats(ctx, g, wire, expand);
    if (!paged) {
      sendAll(req, res, groups.slice(0, readLimit(req, { def: 300, max: 10000 })), toJson);
      return;
    }
    const limit = readLimit(req, { def: 10000, max: 10000 });
    sendPage(req, res, ctx, paginate(groups, (g) => g.id, queryString(req, 'after'), limit), toJson);
  });

  router.get('/api/v1/groups/:groupId', (req, res) => {
    const group = requireGroup(ctx, req.params.groupId);
    res.status(200).json(withStats(ctx, group, wireOf(req, ctx), queryString(req, 'expand')));
  });

  router.get('/api/v1/groups/:groupId/users', (req, res) => {
    const group = requireGroup(ctx, req.params.groupId);
    const members = ctx.state.groupMembers(group.id);
    const limit = readLimit(req, { def: 1000, max: 10000 });
    const wire = wireOf(req, ctx);
    sendPage(req, res, ctx, paginate(members, (u) => u.id, queryString(req, 'after'), limit), (u: UserRecord) => userJson(u, wire));
  });

  return router;
}

