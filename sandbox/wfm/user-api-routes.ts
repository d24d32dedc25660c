// The non-SCIM user-management API (modelled on CXone User Hub): access-key token, batched
// deactivate, revive. Errors: {code, details, errors} on 400, {status, error, message} otherwise.
import { z } from 'zod';
import type { WfmFaults } from './faults';
import type { Reply, RequestContext } from './http-io';
import { bearerToken, isJsonMediaType, jsonReply, parseJsonBody } from './http-io';
import { tokenEquals } from './scim-routes';
import type { WfmState } from './state';

export const MAX_DEACTIVATE_IDS = 100;

export type UserApiDeps = { state: WfmState; faults: WfmFaults; accessKeyId: string; accessKeySecret: string };

const statusError = (status: number, error: string, message: string): Reply => jsonReply(status, { status, error, message });
const badRequest = (details: string, errors: { field: string; message: string }[]): Reply =>
  jsonReply(400, { code: 'INVALID_REQUEST', details, errors });

const tokenBody = z.object({ accessKeyId: z.string().min(1), accessKeySecret: z.string().min(1) });
const deactivateBody = z.object({ userIds: z.array(z.string().min(1)).min(1).max(MAX_DEACTIVATE_IDS) });

type BodyResult<T> = { ok: true; value: T } | { ok: false; reply: Reply };

const readBody = <T>(ctx: RequestContext, schema: z.ZodType<T>): BodyResult<T> => {
  if (!isJsonMediaType(ctx.headers)) {
    return { ok: false, reply: badRequest('Content-Type must be application/json', [{ field: 'body', message: 'unsupported media type' }]) };
  }
  const json = parseJsonBody(ctx.rawBody);
  if (!json.ok) return { ok: false, reply: badRequest('Malformed request body', [{ field: 'body', message: json.reason }]) };
  const parsed = schema.safeParse(json.value);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message }));
    return { ok: false, reply: badRequest('Request validation failed', errors) };
  }
  return { ok: true, value: parsed.data };
};

const issueToken = (ctx: RequestContext, deps: UserApiDeps): Reply => {
  const body = readBody(ctx, tokenBody);
  if (!body.ok) return body.reply;
  const { accessKeyId, accessKeySecret } = body.value;
  if (!tokenEquals(accessKeyId, deps.accessKeyId) || !tokenEquals(accessKeySecret, deps.accessKeySecret)) {
    return statusError(401, 'Unauthorized', 'Invalid access key');
  }
  const { token, expiresIn } = deps.state.issueToken();
  return jsonReply(200, { access_token: token, token_type: 'Bearer', expires_in: expiresIn });
};

/** undefined when the access token is valid; otherwise the 401 to send. */
const checkAccessToken = (ctx: RequestContext, state: WfmState): Reply | undefined => {
  const { present, token } = bearerToken(ctx.headers);
  if (!present || token === undefined) return statusError(401, 'Unauthorized', 'A bearer access token is required');
  const status = state.tokenStatus(token);
  if (status === 'valid') return undefined;
  return statusError(401, 'Unauthorized', status === 'expired' ? 'The access token has expired' : 'The access token is not valid');
};

const deactivate = (ctx: RequestContext, deps: UserApiDeps): Reply => {
  const body = readBody(ctx, deactivateBody);
  if (!body.ok) return body.reply;
  const failing = new Set(deps.faults.failDeactivateIds);
  const notDeletedUserIds: string[] = [];
  for (const id of body.value.userIds) {
    if (failing.has(id) || !deps.state.record(id)) notDeletedUserIds.push(id);
    else deps.state.setActive(id, false);
  }
  return jsonReply(200, { notDeletedUserIds });
};

const revive = (deps: UserApiDeps, id: string): Reply => {
  if (!deps.state.record(id)) return statusError(404, 'Not Found', `User ${id} not found`);
  deps.state.setActive(id, true);
  return jsonReply(200, { userId: id, active: true });
};

/** `segments`: all decoded path segments (this API lives at the server root). */
export const handleUserApi = (ctx: RequestContext, deps: UserApiDeps): Reply => {
  const path = ctx.segments;
  // Compared segment by segment: a decoded segment may itself contain '/'.
  const startsWith = (...expected: string[]): boolean => expected.every((seg, i) => path[i] === seg);
  const post = (reply: () => Reply): Reply =>
    ctx.method === 'POST' ? reply() : { ...statusError(405, 'Method Not Allowed', `${ctx.method} is not allowed`), headers: { allow: 'POST' } };
  if (path.length === 4 && startsWith('authentication', 'v1', 'token', 'access-key')) return post(() => issueToken(ctx, deps));
  const isDeactivate = path.length === 4 && startsWith('user-management', 'v1', 'users', 'deactivate');
  const reviveId = path.length === 5 && startsWith('user-management', 'v1', 'users') && path[4] === 'revive' ? path[3] : undefined;
  if (!isDeactivate && reviveId === undefined) return statusError(404, 'Not Found', 'No such endpoint');
  return post(() => {
    const denied = checkAccessToken(ctx, deps.state);
    if (denied) return denied;
    return reviveId === undefined ? deactivate(ctx, deps) : revive(deps, reviveId);
  });
};
