import type { AxiosInstance, AxiosResponse } from 'axios';
import axios from 'axios';
import { request } from 'node:http';
import type { WfmSandbox, WfmSandboxOptions } from '../../../sandbox/wfm/server';
import { startWfmSandbox } from '../../../sandbox/wfm/server';

export const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const NICE = 'urn:ietf:params:scim:schemas:extension:nice:2.0:User';
export const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';

export type Harness = { sandbox: WfmSandbox; scim: AxiosInstance; api: AxiosInstance; admin: AxiosInstance };

const client = (baseURL: string, headers: Record<string, string> = {}): AxiosInstance =>
  axios.create({ baseURL, headers, validateStatus: () => true, timeout: 5000 });

export const startHarness = async (opts: WfmSandboxOptions = {}): Promise<Harness> => {
  const sandbox = await startWfmSandbox(opts);
  const auth = { authorization: `Bearer ${opts.scimToken ?? 'sandbox-scim-token'}` };
  return {
    sandbox,
    scim: client(sandbox.scimUrl, { ...auth, 'content-type': 'application/scim+json' }),
    api: client(sandbox.apiUrl),
    admin: client(`${sandbox.url}/_sandbox`, auth),
  };
};

/** A valid create body; `over` replaces top-level attributes. */
export const userBody = (n: number | string, over: Record<string, unknown> = {}): Record<string, unknown> => ({
  schemas: [CORE],
  externalId: `okta-${n}`,
  userName: `user${n}@example.com`,
  name: { givenName: `Given${n}`, familyName: `Family${n}` },
  emails: [{ value: `user${n}@example.com`, type: 'work', primary: true }],
  ...over,
});

export const without = (body: Record<string, unknown>, ...keys: string[]): Record<string, unknown> =>
  Object.fromEntries(Object.entries(body).filter(([k]) => !keys.includes(k)));

export const filterQuery = (filter: string, extra: Record<string, string> = {}): string =>
  `/Users?${new URLSearchParams({ filter, ...extra }).toString()}`;

export const record = (res: AxiosResponse): Record<string, unknown> => res.data as Record<string, unknown>;

export type ListBody = { totalResults: number; startIndex: number; itemsPerPage: number; Resources: Record<string, unknown>[] };
export const list = (res: AxiosResponse): ListBody => res.data as ListBody;

export type RawResponse = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** node:http with the path sent exactly as given (no URL normalisation of '..' or '%2E%2E'). */
export const rawRequest = (baseUrl: string, method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
  new Promise<RawResponse>((resolve, reject) => {
    const url = new URL(baseUrl);
    const req = request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });

/** The error code of a request that failed without an HTTP answer. */
export const networkErrorCode = async (promise: Promise<unknown>): Promise<string | undefined> => {
  try {
    await promise;
    return undefined;
  } catch (err) {
    return axios.isAxiosError(err) ? err.code : String(err);
  }
};
