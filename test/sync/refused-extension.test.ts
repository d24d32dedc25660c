import { SyncError } from '../../clients/errors';
import { refusedExtension, sendDroppingRefused, withoutExtension } from '../../sync/refused-extension';
import type { ScimResource } from '../../sync/types';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const body: ScimResource = { schemas: [CORE, ENT], userName: 'a@example.com', [ENT]: { department: 'Ops' } };
const refused = (detail: string, status = 400): SyncError => new SyncError(`WFM SCIM POST /Users answered ${status} (invalidSyntax): ${detail}`, { kind: 'invalid', service: 'wfm-scim', status });

describe('an extension a strict WFM does not know', () => {
  it.each<[string, SyncError, string | undefined]>([
    ['named on its own', refused(`Unknown schema ${ENT}`), ENT],
    ['named in another case', refused(`unknown schema ${ENT.toUpperCase()}.`), ENT],
    ['one of its attributes named, not the extension', refused(`${ENT}:department must be a string`), undefined],
    ['the core schema named', refused(`${CORE} requires userName`), undefined],
    ['another status', refused(`Unknown schema ${ENT}`, 422), undefined],
  ])('%s', (_name, err, urn) => {
    expect(refusedExtension(err, body)).toBe(urn);
  });

  it('is left out of the body and of its schemas, and the write sent once more', async () => {
    expect(withoutExtension(body, ENT)).toEqual({ schemas: [CORE], userName: 'a@example.com' });
    const sent: ScimResource[] = [];
    const answer = await sendDroppingRefused(body, async (b) => {
      sent.push(b);
      if (b[ENT] !== undefined) throw refused(`Unknown schema ${ENT}`);
      return 'ok';
    });
    expect(answer).toBe('ok');
    expect(sent.map((b) => Object.keys(b).includes(ENT))).toEqual([true, false]);
    await expect(sendDroppingRefused(body, () => Promise.reject(refused('userName is required')))).rejects.toThrow('userName is required');
  });
});
