// /_sandbox/...: test and demo controls, outside /scim and the user API, guarded by the SCIM
// bearer token. Answers plain JSON; errors are {error: message}.
import { z } from 'zod';
import { disabledAttributeProblem } from './disabled-attributes';
import type { WfmFaults } from './faults';
import { applyFaultPatch, faultPatchSchema } from './faults';
import type { Reply, RequestContext } from './http-io';
import { jsonReply, parseJsonBody } from './http-io';
import type { WfmRequestLogEntry } from './request-log';
import { checkScimAuth } from './scim-routes';
import type { WfmState } from './state';
import { WfmStateError } from './state';

export type AdminDeps = {
  state: WfmState;
  faults: WfmFaults;
  requests: WfmRequestLogEntry[];
  scimTokens: readonly string[];
  setScimTokens(tokens: string[]): void;
};

export const configPatchSchema = z.object({
  filterRequired: z.boolean().optional(),
  etags: z.boolean().optional(),
  maxPageSize: z.number().int().positive().optional(),
  tokenTtlSeconds: z.number().int().positive().optional(),
  disabledAttributes: z.array(z.string()).optional(),
  keptAsCreated: z.array(z.string()).optional(),
  pagination: z.enum(['index', 'cursor']).optional(),
}).strict();

const activeBody = z.object({ active: z.boolean() }).strict();
const editBody = z.object({ path: z.string().min(1), value: z.unknown().optional() }).strict();
const scimTokensBody = z.object({ tokens: z.array(z.string().min(1)).min(1) }).strict();

const fail = (status: number, error: string): Reply => jsonReply(status, { error });

const body = <T>(ctx: RequestContext, schema: z.ZodType<T>): T => {
  const json = parseJsonBody(ctx.rawBody);
  if (!json.ok) throw new WfmStateError('invalid', json.reason);
  const parsed = schema.safeParse(json.value);
  if (!parsed.success) throw new WfmStateError('invalid', z.prettifyError(parsed.error));
  return parsed.data;
};

const seed = (ctx: RequestContext, state: WfmState): Reply => {
  const json = body(ctx, z.union([z.record(z.string(), z.unknown()), z.array(z.record(z.string(), z.unknown()))]));
  if (Array.isArray(json)) return jsonReply(201, { users: json.map((u) => state.seedUser(u)) });
  return jsonReply(201, state.seedUser(json));
};

const route = (ctx: RequestContext, deps: AdminDeps, rest: string[]): Reply => {
  const { state, faults, requests } = deps;
  const key = `${ctx.method} ${rest.length === 3 ? `${rest[0]}/:id/${rest[2]}` : rest.join('/')}`;
  const id = rest[1] ?? '';
  switch (key) {
    case 'GET users':
      return jsonReply(200, { users: state.all() });
    case 'POST users':
      return seed(ctx, state);
    case 'POST users/:id/active':
      return jsonReply(200, state.setActive(id, body(ctx, activeBody).active));
    case 'POST users/:id/edit': {
      const { path, value } = body(ctx, editBody);
      return jsonReply(200, state.editAttribute(id, path, value));
    }
    case 'POST clear':
      state.clear();
      return jsonReply(200, { ok: true });
    case 'POST expire-tokens':
      state.expireTokens();
      return jsonReply(200, { ok: true });
    case 'POST scim-tokens':
      deps.setScimTokens(body(ctx, scimTokensBody).tokens);
      return jsonReply(200, { ok: true, accepted: deps.scimTokens.length });
    case 'GET faults':
      return jsonReply(200, faults);
    case 'POST faults':
      applyFaultPatch(faults, body(ctx, faultPatchSchema));
      return jsonReply(200, faults);
    case 'GET requests':
      return jsonReply(200, { requests });
    case 'POST reset-requests':
      requests.length = 0;
      return jsonReply(200, { ok: true });
    case 'GET config':
      return jsonReply(200, state.config);
    case 'POST config': {
      const patch = body(ctx, configPatchSchema);
      const problem = patch.disabledAttributes?.map(disabledAttributeProblem).find((p) => p !== undefined);
      if (problem) throw new WfmStateError('invalid', problem);
      for (const [k, v] of Object.entries(patch)) if (v !== undefined) Object.assign(state.config, { [k]: v });
      return jsonReply(200, state.config);
    }
    default:
      return fail(404, `no admin route ${ctx.method} /_sandbox/${rest.join('/')}`);
  }
};

/** `rest`: the decoded path segments after /_sandbox. */
export const handleAdmin = (ctx: RequestContext, deps: AdminDeps, rest: string[]): Reply => {
  const denied = checkScimAuth(ctx, deps.scimTokens);
  if (denied) return denied;
  try {
    return route(ctx, deps, rest);
  } catch (err) {
    if (!(err instanceof WfmStateError)) throw err;
    const status = { 'not-found': 404, conflict: 409, invalid: 400 }[err.code];
    return fail(status, err.message);
  }
};
