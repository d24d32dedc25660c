import { cryptoRandom, base62 } from './random';

export type OktaErrorCause = { errorSummary: string };

export type OktaErrorBody = {
  errorCode: string;
  errorSummary: string;
  errorLink: string;
  errorId: string;
  errorCauses: OktaErrorCause[];
};

export function errorBody(errorCode: string, errorSummary: string, causes: string[] = []): OktaErrorBody {
  return {
    errorCode,
    errorSummary,
    errorLink: errorCode,
    errorId: `oae${base62(cryptoRandom, 22)}`,
    errorCauses: causes.map((errorSummary) => ({ errorSummary })),
  };
}

/** An error answered as an Okta error body with the given HTTP status. */
export class OktaHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly errorSummary: string,
    readonly causes: string[] = [],
  ) {
    super(`${status} ${errorCode} ${errorSummary}${causes.length > 0 ? ` (${causes.join('; ')})` : ''}`);
    this.name = 'OktaHttpError';
  }

  body(): OktaErrorBody {
    return errorBody(this.errorCode, this.errorSummary, this.causes);
  }
}

export type OktaResourceKind = 'User' | 'UserGroup' | 'AppInstance' | 'AppUser' | 'ApplicationGroupAssignment' | 'JsonWebKey';

export const notFound = (id: string, kind: OktaResourceKind): OktaHttpError =>
  new OktaHttpError(404, 'E0000007', `Not found: Resource not found: ${id} (${kind})`);

export const validationFailed = (field: string, cause: string): OktaHttpError =>
  new OktaHttpError(400, 'E0000001', `Api validation failed: ${field}`, [`${field}: ${cause}`]);

export const invalidSearch = (cause: string): OktaHttpError =>
  new OktaHttpError(400, 'E0000031', 'Invalid search criteria.', [cause]);

export const invalidToken = (): OktaHttpError => new OktaHttpError(401, 'E0000011', 'Invalid token provided');

export const forbidden = (): OktaHttpError =>
  new OktaHttpError(403, 'E0000006', 'You do not have permission to perform the requested action');

export const rateLimited = (): OktaHttpError =>
  new OktaHttpError(429, 'E0000047', 'API call exceeded rate limit due to too many requests.');

export const methodNotAllowed = (): OktaHttpError =>
  new OktaHttpError(405, 'E0000022', 'The endpoint does not support the provided HTTP method');

export const unknownEndpoint = (path: string): OktaHttpError =>
  new OktaHttpError(404, 'E0000007', `Not found: Resource not found: ${path} (PathInfo)`);

export const serverError = (status: number): OktaHttpError =>
  status === 503
    ? new OktaHttpError(503, 'E0000010', 'Service is temporarily unavailable')
    : new OktaHttpError(status, 'E0000009', 'Internal Server Error');
