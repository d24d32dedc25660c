import { networkCode } from '../../clients/errors';

describe('a network failure, as told', () => {
  it('names the URL and its setting when the service was not reached', () => {
    expect(networkCode('ECONNREFUSED', { service: 'wfm-scim', url: 'http://127.0.0.1:1/scim/v2' })).toBe('ECONNREFUSED: nothing answers at http://127.0.0.1:1; check WFM_SCIM_URL');
    expect(networkCode('ENOTFOUND', { service: 'okta', url: 'https://acme.okta.invalid' })).toBe('ENOTFOUND: no host acme.okta.invalid is known here; check OKTA_ORG_URL');
    expect(networkCode('EAI_AGAIN', { service: 'wfm-api', url: 'https://api.example.com/base' })).toBe('EAI_AGAIN: no host api.example.com is known here; check WFM_API_URL');
  });

  it('leaves other codes as they are, and says how to trust a private CA', () => {
    expect(networkCode('ECONNRESET', { service: 'wfm-scim', url: 'https://wfm.example.com/scim/v2' })).toBe('ECONNRESET');
    expect(networkCode('ECONNREFUSED')).toBe('ECONNREFUSED');
    expect(networkCode('SELF_SIGNED_CERT_IN_CHAIN')).toMatch(/NODE_EXTRA_CA_CERTS/);
  });
});
