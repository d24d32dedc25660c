import { unknownSettings } from '../../config/unknown-settings';
import { validEnv } from '../helpers/env';

describe('environment variables named like settings that are none', () => {
  it('are told one line each, with the setting most likely meant', () => {
    expect(unknownSettings({ ...validEnv(), DEACTIVATION_MAX_PERCNT: '50', OKTA_GROUP: 'WFM Agents', WFM_ACCESS_KEY_ID_FILE: '/run/secrets/id', PATH: '/usr/bin', NODE_OPTIONS: '' })).toEqual([
      'DEACTIVATION_MAX_PERCNT is not a setting of okta-wfm-sync, and is ignored (did you mean DEACTIVATION_MAX_PERCENT?)',
      'OKTA_GROUP is not a setting of okta-wfm-sync, and is ignored (did you mean OKTA_GROUPS?)',
      'WFM_ACCESS_KEY_ID_FILE is not a setting of okta-wfm-sync, and is ignored (did you mean WFM_ACCESS_KEY_ID?)',
    ]);
  });

  it('leave every setting, and a secret given as NAME_FILE, alone', () => {
    expect(unknownSettings({ ...validEnv(), WFM_SCIM_TOKEN: undefined, WFM_SCIM_TOKEN_FILE: '/run/secrets/scim', OKTA_PRIVATE_KEY_FILE: '/k' })).toEqual([]);
  });
});
