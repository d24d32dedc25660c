// Secrets out of every message: a service may repeat the credential it refused in its error text
// ("the bearer token Bearer abc… is not valid"), and that text becomes our error message, a log
// line, a stored run report, a job's failure reason. Every secret value this process read (and
// the access tokens it was given) is remembered here, and `redact` takes them out of any text.

const REDACTED = '[redacted]';
/** Values shorter than this are not taken out (a short one would cut into ordinary words). */
const MIN_SECRET_LENGTH = 6;
/** The values remembered: the latest, since tokens are renewed and files rotated. */
const MAX_REMEMBERED = 64;

const known = new Set<string>();

/** Remembers a secret value (a setting, a file's content, an access token) so `redact` takes it out. */
export function rememberSecret(value: string | undefined): void {
  if (value === undefined || value.length < MIN_SECRET_LENGTH || known.has(value)) return;
  known.add(value);
  if (known.size > MAX_REMEMBERED) known.delete(known.values().next().value as string);
}

/** A credential after its scheme (16 characters or more, as tokens are), whatever its value: one this process never read is not known here. */
const SCHEME_CREDENTIAL = /\b(Bearer|SSWS|DPoP|Basic)(\s+)[A-Za-z0-9._~+/=-]{16,}/gi;

/** The text with every remembered secret, and any credential after an HTTP auth scheme, shown as [redacted]. */
export function redact(text: string): string {
  let out = text;
  for (const value of known) if (out.includes(value)) out = out.split(value).join(REDACTED);
  return out.replace(SCHEME_CREDENTIAL, `$1$2${REDACTED}`);
}
