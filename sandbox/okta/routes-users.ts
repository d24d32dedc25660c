import { Router, type Request } from 'express';
import { sendAll, sendPage, wireOf, type SandboxContext } from './context';
import { notFound } from './errors';
import { paginate, queryString, readLimit } from './paging';
import { applyExpression, isUserDate, userAttr, userFilterRules, userSearchRules } from './queries';
import { groupJson, userJson } from './serialize';
import type { OktaState } from './state';
import type { UserRecord } from './types';

/** Finds a user by id, login (case-insensitive) or login short name, as GET /users/{idOrLogin} does. */
export function resolveUser(state: OktaState, idOrLogin: string): UserRecord {
  const byId = state.getUser(idOrLogin) ?? state.findUserByLogin(idOrLogin);
  if (byId) return byId;
  if (!idOrLogin.includes('@')) {
    const short = idOrLogin.toLowerCase();
    const matches = state.users().filter((u) => String(u.profile.login).toLowerCase().split('@')[0] === short);
    if (matches.length === 1 && matches[0]) return matches[0];
  }
  throw notFound(idOrLogin, 'User');
}

const Q_FIELDS = ['firstName', 'lastName', 'email', 'login'] as const;

function listUsers(req: Request, ctx: SandboxContext): { users: UserRecord[]; paged: boolean; limit: number } {
  const filter = queryString(req, 'filter');
  const search = queryString(req, 'search');
  const q = queryString(req, 'q');
  let users = ctx.state.users();
  if (search !== undefined && search !== '') {
    users = applyExpression(users, search, { rules: userSearchRules, get: userAttr, isDate: isUserDate, caseInsensitive: true });
    const sortBy = queryString(req, 'sortBy');
    if (sortBy) {
      const desc = queryString(req, 'sortOrder')?.toLowerCase() === 'desc';
      const key = (u: UserRecord): string => String(userAttr(u, sortBy)[0] ?? '');
      users = [...users].sort((a, b) => (desc ? -1 : 1) * (key(a).localeCompare(key(b)) || a.id.localeCompare(b.id)));
    }
  } else if (filter !== undefined && filter !== '') {
    users = applyExpression(users, filter, { rules: userFilterRules, get: userAttr, isDate: isUserDate, caseInsensitive: false });
  } else {
    // Without filter or search Okta leaves DEPROVISIONED users out.
    users = users.filter((u) => u.status !== 'DEPROVISIONED');
  }
  if (q !== undefined && q !== '') {
    const prefix = q.toLowerCase();
    users = users.filter((u) => u.status !== 'DEPROVISIONED'
      && Q_FIELDS.some((f) => String(u.profile[f] ?? '').toLowerCase().startsWith(prefix)));
    // q does not page: it answers up to `limit` (default 10) matches and no next link.
    return { users, paged: false, limit: readLimit(req, { def: 10, max: 200 }) };
  }
  return { users, paged: true, limit: readLimit(req, { def: 200, max: 200 }) };
}

export function usersRouter(ctx: SandboxContext): Router {
  const router = Router();

  router.get('/api/v1/users', (req, res) => {
    const { users, paged, limit } = listUsers(req, ctx);
    const wire = wireOf(req, ctx);
    const toJson = (u: UserRecord): Record<string, unknown> => userJson(u, wire);
    if (!paged) {
      sendAll(req, res, users.slice(0, limit), toJson);
      return;
    }
    sendPage(req, res, ctx, paginate(users, (u) => u.id, queryString(req, 'after'), limit), toJson);
  });

  router.get('/api/v1/users/:idOrLogin', (req, res) => {
    const user = resolveUser(ctx.state, req.params.idOrLogin);
    res.setHeader('ETag', `W/"${user.lastUpdated.toString(16)}"`);
    res.status(200).json(userJson(user, wireOf(req, ctx), { full: true }));
  });

  router.get('/api/v1/users/:idOrLogin/groups', (req, res) => {
    const user = resolveUser(ctx.state, req.params.idOrLogin);
    const wire = wireOf(req, ctx);
    sendAll(req, res, ctx.state.userGroups(user.id), (g) => groupJson(g, wire));
  });

  return router;
}
