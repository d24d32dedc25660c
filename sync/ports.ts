import type { ScimResource, WfmUser } from './types';

/** What apply needs of the WFM SCIM endpoint; clients/scim.ts provides it. */
export type ScimPort = Readonly<{
  get(id: string): Promise<WfmUser>;
  findByExternalId(externalId: string): Promise<WfmUser[]>;
  findByUserName(userName: string): Promise<WfmUser[]>;
  create(resource: ScimResource): Promise<WfmUser>;
  replace(id: string, resource: ScimResource, version?: string): Promise<WfmUser>;
}>;

/** What apply needs of the WFM user-management API; clients/wfm-api.ts provides it. */
export type WfmApiPort = Readonly<{ revive(id: string): Promise<void> }>;
