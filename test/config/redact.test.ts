import { redact, rememberSecret } from '../../config/redact';
import { secretFromValue } from '../../config/secret';

describe('taking secrets out of text', () => {
  it('takes out every secret value read, wherever it stands, and a token after an auth scheme', () => {
    secretFromValue('s3cr3t-scim-token-value');
    rememberSecret('issued-access-token-1234');
    expect(redact('the token s3cr3t-scim-token-value is not valid (you sent s3cr3t-scim-token-value)')).toBe('the token [redacted] is not valid (you sent [redacted])');
    expect(redact('{"access_token":"issued-access-token-1234"}')).toBe('{"access_token":"[redacted]"}');
    expect(redact('Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.abc.def, SSWS 00abcDEFghiJKLmnoPQRstu')).toBe('Authorization: Bearer [redacted], SSWS [redacted]');
  });

  it('leaves ordinary words alone: short values are not remembered, and a scheme followed by a word is no token', () => {
    rememberSecret('abc');
    expect(redact('abc Basic authentication failed; send the scheme as exactly Bearer token')).toBe('abc Basic authentication failed; send the scheme as exactly Bearer token');
  });
});
