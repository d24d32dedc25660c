import type { IncomingHttpHeaders } from 'node:http';
import { ERROR_URN } from './schema';

export const SCIM_CONTENT_TYPE = 'application/scim+json';
export const JSON_CONTENT_TYPE = 'application/json';

/** What a route answers; the server decides how (or whether) it reaches the wire. */
export type Reply = {
  status: number;
  headers?: Record<string, string>;
  /** JSON body; omitted for bodiless answers. */
  body?: unknown;
  /** A plain-text body instead of JSON. */
  text?: string;
  contentType?: string;
};

export type RequestContext = {
  method: string;
  /** Decoded path segments, e.g. ['scim', 'v2', 'Users', 'a/b']. */
  segments: string[];
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
};

/** Carries a ready reply out of nested validation code. */
export class ReplyError extends Error {
  readonly reply: Reply;
  constructor(reply: Reply) {
    super(`HTTP ${reply.status}`);
    this.name = 'ReplyError';
    this.reply = reply;
  }
}

export type ScimType =
  | 'invalidFilter' | 'tooMany' | 'uniqueness' | 'mutability' | 'invalidSyntax' | 'invalidPath'
  | 'noTarget' | 'invalidValue' | 'invalidVers' | 'sensitive'
  // RFC 9865 §2.2
  | 'invalidCursor' | 'expiredCursor';

export const scimError = (status: number, detail: string, scimType?: ScimType): Reply => ({
  status,
  contentType: SCIM_CONTENT_TYPE,
  // RFC 7644 section 3.12: status is a string in the error body.
  body: { schemas: [ERROR_URN], status: String(status), ...(scimType ? { scimType } : {}), detail },
});

export const scimFail = (status: number, detail: string, scimType?: ScimType): ReplyError =>
  new ReplyError(scimError(status, detail, scimType));

export const scimOk = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
  status, body, contentType: SCIM_CONTENT_TYPE, ...(headers ? { headers } : {}),
});

export const jsonReply = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
  status, body, contentType: JSON_CONTENT_TYPE, ...(headers ? { headers } : {}),
});

export const headerValue = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
};

/** The media type of the request body, lower-cased, without parameters. */
export const mediaType = (headers: IncomingHttpHeaders): string | undefined =>
  headerValue(headers, 'content-type')?.split(';')[0]?.trim().toLowerCase();

export const isJsonMediaType = (headers: IncomingHttpHeaders): boolean => {
  const mt = mediaType(headers);
  return mt === SCIM_CONTENT_TYPE || mt === JSON_CONTENT_TYPE;
};

export type ParsedJson = { ok: true; value: unknown } | { ok: false; reason: string };

export const parseJsonBody = (raw: Buffer): ParsedJson => {
  const text = raw.toString('utf8');
  if (text.trim() === '') return { ok: false, reason: 'the request body is empty' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, reason: `the request body is not valid JSON (${(err as Error).message})` };
  }
};

/** Splits `Authorization: <scheme> <credentials>`; the scheme is matched case-insensitively (RFC 6750). */
export const bearerToken = (headers: IncomingHttpHeaders): { present: boolean; token?: string } => {
  const value = headerValue(headers, 'authorization');
  if (value === undefined) return { present: false };
  const match = /^(\S+) (\S+)$/.exec(value);
  if (!match || match[1]?.toLowerCase() !== 'bearer') return { present: true };
  return { present: true, token: match[2] };
};

export const serialiseReply = (reply: Reply): { bytes: Buffer; contentType?: string } => {
  if (reply.text !== undefined) {
    return { bytes: Buffer.from(reply.text, 'utf8'), contentType: reply.contentType ?? 'text/plain; charset=utf-8' };
  }
  if (reply.body === undefined) return { bytes: Buffer.alloc(0) };
  return { bytes: Buffer.from(JSON.stringify(reply.body), 'utf8'), contentType: reply.contentType ?? JSON_CONTENT_TYPE };
};
