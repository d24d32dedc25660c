import { randomBytes, randomUUID } from 'node:crypto';
import type { ParsedUser } from './validate';
import { normaliseSeedAttrs, orderAttrs } from './validate';
import { withoutDisabled } from './disabled-attributes';
import { canonicalKnownUrn, COMMON_ATTRS, CORE_USER_ATTRS, CORE_USER_URN, findAttr, isRecord, KNOWN_EXTENSIONS } from './schema';

/** Switches that may change while the sandbox runs (also POST /_sandbox/config). */
export type WfmConfig = {
  filterRequired: boolean;
  etags: boolean;
  maxPageSize: number;
  tokenTtlSeconds: number;
  /** Optional attributes this tenant has not enabled: SCIM paths, case-insensitive. */
  disabledAttributes: string[];
  /** Attributes a PUT leaves as they were (userName, emails...), answering 200 all the same: SCIM paths, case-insensitive. */
  keptAsCreated: string[];
  /** How GET /Users pages: by startIndex (RFC 7644), or by cursor alone (RFC 9865, as IAM Identity Center does). */
  pagination: 'index' | 'cursor';
};

/** A user as the SCIM API returns it (a fresh copy each time). */
export type WfmUserResource = Record<string, unknown>;

export type StoredUser = {
  id: string;
  schemas: string[];
  attrs: Record<string, unknown>;
  created: string;
  lastModified: string;
  version: number;
};

export type TokenStatus = 'valid' | 'expired' | 'unknown';

export class WfmStateError extends Error {
  readonly code: 'not-found' | 'conflict' | 'invalid';
  constructor(code: 'not-found' | 'conflict' | 'invalid', message: string) {
    super(message);
    this.name = 'WfmStateError';
    this.code = code;
  }
}

export type WfmState = {
  readonly config: WfmConfig;
  /** Inserts a user as a WFM admin would (no profile checks; extra attributes kept). Accepts `id` and `meta.created`/`meta.lastModified`. */
  seedUser(resource: Record<string, unknown>): WfmUserResource;
  get(id: string): WfmUserResource | undefined;
  all(): WfmUserResource[];
  findByUserName(userName: string): WfmUserResource | undefined;
  /** As the user-management API would; bumps the version when it changes something. */
  setActive(id: string, active: boolean): WfmUserResource;
  /** An admin edit in the WFM console. `path`: 'displayName', 'name.givenName', '<urn>:team'...; null/undefined removes. */
  editAttribute(id: string, path: string, value: unknown): WfmUserResource;
  /** Removes every user and every access token. */
  clear(): void;
  /** Makes every issued access token expired now. */
  expireTokens(): void;
  size(): number;
  // Used by the routes.
  records(): StoredUser[];
  record(id: string): StoredUser | undefined;
  toResource(user: StoredUser): WfmUserResource;
  userNameTaken(userName: string, exceptId?: string): boolean;
  /** The users whose userName (ignoring case) or externalId (exactly) is the value, in creation order: an index, not a scan. */
  indexed(attribute: 'userName' | 'externalId', value: string): StoredUser[];
  createUser(parsed: ParsedUser): StoredUser;
  replaceUser(id: string, parsed: ParsedUser): StoredUser;
  issueToken(): { token: string; expiresIn: number };
  tokenStatus(token: string): TokenStatus;
  setLocationBase(scimUrl: string): void;
};

export const etagOf = (version: number): string => `W/"${version}"`;

export const createWfmState = (config: WfmConfig): WfmState => {
  const users = new Map<string, StoredUser>();
  const tokens = new Map<string, number>();
  // Indexes a real WFM would have: a scan per request makes 100,000-user benchmarks quadratic.
  const byUserName = new Map<string, Set<string>>();
  const byExternalId = new Map<string, Set<string>>();
  const keysOf = (user: StoredUser): Array<[Map<string, Set<string>>, string]> => {
    const keys: Array<[Map<string, Set<string>>, string]> = [];
    if (typeof user.attrs.userName === 'string') keys.push([byUserName, user.attrs.userName.toLowerCase()]);
    if (typeof user.attrs.externalId === 'string') keys.push([byExternalId, user.attrs.externalId]);
    return keys;
  };
  const index = (user: StoredUser): void => {
    for (const [map, key] of keysOf(user)) map.set(key, (map.get(key) ?? new Set()).add(user.id));
  };
  const unindex = (user: StoredUser): void => {
    for (const [map, key] of keysOf(user)) {
      const ids = map.get(key);
      ids?.delete(user.id);
      if (ids?.size === 0) map.delete(key);
    }
  };
  const indexed = (attribute: 'userName' | 'externalId', value: string): StoredUser[] => {
    const ids = (attribute === 'userName' ? byUserName.get(value.toLowerCase()) : byExternalId.get(value)) ?? new Set<string>();
    if (ids.size <= 1) return [...ids].flatMap((id) => users.get(id) ?? []);
    return [...users.values()].filter((u) => ids.has(u.id));
  };
  let locationBase = 'http://127.0.0.1/scim/v2';
  const now = (): string => new Date().toISOString();

  const must = (id: string): StoredUser => {
    const user = users.get(id);
    if (!user) throw new WfmStateError('not-found', `no user with id ${id}`);
    return user;
  };
  const touch = (user: StoredUser): void => {
    user.lastModified = now();
    user.version += 1;
  };
  const userNameTaken = (userName: string, exceptId?: string): boolean =>
    [...(byUserName.get(userName.toLowerCase()) ?? [])].some((id) => id !== exceptId);
  // Values stored before an attribute was disabled (or by an admin) are hidden, not deleted.
  const toResource = (user: StoredUser): WfmUserResource => {
    const attrs = withoutDisabled(structuredClone(user.attrs), config.disabledAttributes);
    return {
      schemas: user.schemas.filter((urn) => urn === CORE_USER_URN || Object.hasOwn(attrs, urn)),
      id: user.id,
      ...attrs,
      meta: {
        resourceType: 'User',
        created: user.created,
        lastModified: user.lastModified,
        location: `${locationBase}/Users/${encodeURIComponent(user.id)}`,
        ...(config.etags ? { version: etagOf(user.version) } : {}),
      },
    };
  };
  const syncSchemas = (user: StoredUser): void => {
    const extensions = Object.keys(user.attrs).filter((k) => k.toLowerCase().startsWith('urn:'));
    user.schemas = [CORE_USER_URN, ...extensions];
  };

  const seedUser = (resource: Record<string, unknown>): WfmUserResource => {
    const id = resource.id === undefined ? randomUUID() : resource.id;
    if (typeof id !== 'string' || id === '') throw new WfmStateError('invalid', 'a seeded id must be a non-empty string');
    if (users.has(id)) throw new WfmStateError('conflict', `a user with id ${id} exists`);
    const attrs = normaliseSeedAttrs(resource);
    if (typeof attrs.userName !== 'string' || attrs.userName === '') throw new WfmStateError('invalid', 'a seeded user needs a userName');
    if (userNameTaken(attrs.userName)) throw new WfmStateError('conflict', `userName ${attrs.userName} exists`);
    const meta = isRecord(resource.meta) ? resource.meta : {};
    const created = typeof meta.created === 'string' ? meta.created : now();
    const lastModified = typeof meta.lastModified === 'string' ? meta.lastModified : created;
    const user: StoredUser = { id, schemas: [], attrs, created, lastModified, version: 1 };
    syncSchemas(user);
    users.set(id, user);
    index(user);
    return toResource(user);
  };

  const editAttribute = (id: string, path: string, value: unknown): WfmUserResource => {
    const user = must(id);
    unindex(user);
    try {
      return editIn(user, path, value);
    } finally {
      index(user);
    }
  };

  const editIn = (user: StoredUser, path: string, value: unknown): WfmUserResource => {
    const cut = path.toLowerCase().startsWith('urn:') ? path.lastIndexOf(':') : -1;
    const urn = cut < 0 ? undefined : canonicalKnownUrn(path.slice(0, cut)) ?? path.slice(0, cut);
    const [name, sub, ...rest] = path.slice(cut + 1).split('.');
    if (!name || rest.length > 0 || urn === CORE_USER_URN) throw new WfmStateError('invalid', `unsupported path ${path}`);
    const defs = urn === undefined ? [...COMMON_ATTRS, ...CORE_USER_ATTRS] : KNOWN_EXTENSIONS.get(urn.toLowerCase()) ?? [];
    const def = findAttr(defs, name);
    const attrName = def?.name ?? name;
    const subName = sub === undefined ? undefined : findAttr(def?.subAttributes ?? [], sub)?.name ?? sub;
    let container: Record<string, unknown> = user.attrs;
    if (urn !== undefined) {
      const ext = user.attrs[urn];
      container = isRecord(ext) ? ext : {};
      user.attrs[urn] = container;
    }
    const remove = value === undefined || value === null;
    if (subName === undefined) {
      if (remove) delete container[attrName];
      else container[attrName] = structuredClone(value);
    } else {
      const parent = isRecord(container[attrName]) ? (container[attrName] as Record<string, unknown>) : {};
      if (remove) delete parent[subName];
      else parent[subName] = structuredClone(value);
      if (Object.keys(parent).length === 0) delete container[attrName];
      else container[attrName] = parent;
    }
    if (urn !== undefined && Object.keys(container).length === 0) delete user.attrs[urn];
    user.attrs = orderAttrs(user.attrs);
    syncSchemas(user);
    touch(user);
    return toResource(user);
  };

  return {
    config,
    seedUser,
    get: (id) => {
      const user = users.get(id);
      return user ? toResource(user) : undefined;
    },
    all: () => [...users.values()].map(toResource),
    findByUserName: (userName) => {
      const user = indexed('userName', userName)[0];
      return user ? toResource(user) : undefined;
    },
    setActive: (id, active) => {
      const user = must(id);
      if (user.attrs.active !== active) {
        user.attrs.active = active;
        touch(user);
      }
      return toResource(user);
    },
    editAttribute,
    clear: () => {
      users.clear();
      byUserName.clear();
      byExternalId.clear();
      tokens.clear();
    },
    expireTokens: () => {
      for (const token of tokens.keys()) tokens.set(token, 0);
    },
    size: () => users.size,
    records: () => [...users.values()],
    record: (id) => users.get(id),
    toResource,
    userNameTaken,
    indexed,
    createUser: (parsed) => {
      const at = now();
      const user: StoredUser = { id: randomUUID(), schemas: parsed.schemas, attrs: parsed.attrs, created: at, lastModified: at, version: 1 };
      users.set(user.id, user);
      index(user);
      return user;
    },
    replaceUser: (id, parsed) => {
      const user = must(id);
      unindex(user);
      user.schemas = parsed.schemas;
      user.attrs = parsed.attrs;
      index(user);
      touch(user);
      return user;
    },
    issueToken: () => {
      const token = randomBytes(24).toString('base64url');
      tokens.set(token, Date.now() + config.tokenTtlSeconds * 1000);
      return { token, expiresIn: config.tokenTtlSeconds };
    },
    tokenStatus: (token) => {
      const expiresAt = tokens.get(token);
      if (expiresAt === undefined) return 'unknown';
      return expiresAt > Date.now() ? 'valid' : 'expired';
    },
    setLocationBase: (scimUrl) => {
      locationBase = scimUrl;
    },
  };
};
