import type { OktaSandbox } from '../../../sandbox/okta/server';

export type ApiResponse = { status: number; headers: Headers; body: unknown; text: string };

/** A raw HTTP call to the sandbox with the SSWS token (or the given Authorization). */
export async function call(
  sandbox: OktaSandbox,
  path: string,
  init: { method?: string; body?: unknown; authorization?: string | null } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (init.authorization !== null) headers.Authorization = init.authorization ?? `SSWS ${sandbox.token}`;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path.startsWith('http') ? path : `${sandbox.url}${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // leave the raw text
  }
  return { status: res.status, headers: res.headers, body, text };
}

export function asArray(value: unknown): Record<string, unknown>[] {
  if (!Array.isArray(value)) throw new Error(`expected an array, got ${JSON.stringify(value)?.slice(0, 200)}`);
  return value as Record<string, unknown>[];
}

export function asObject(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`expected an object, got ${String(value)}`);
  return value as Record<string, unknown>;
}

/** The rel="next" URL of a Link header, if any. */
export function nextLink(headers: Headers): string | undefined {
  const link = headers.get('link') ?? '';
  return /<([^>]+)>;\s*rel="next"/.exec(link)?.[1];
}

export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
