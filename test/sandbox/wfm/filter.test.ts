import { parseFilter } from '../../../sandbox/wfm/filter';
import { compileFilter } from '../../../sandbox/wfm/filter-eval';
import { ReplyError } from '../../../sandbox/wfm/http-io';
import { ENTERPRISE, NICE } from './helpers';

const alice: Record<string, unknown> = {
  id: 'id-1',
  externalId: 'Okta-1',
  userName: 'Alice@Example.com',
  name: { givenName: 'Alice', familyName: 'O"Hara\\Smith' },
  emails: [
    { value: 'alice@example.com', type: 'work', primary: true },
    { value: 'alice@home.org', type: 'home' },
  ],
  active: true,
  [ENTERPRISE]: { department: 'Support', manager: { value: 'm-1' } },
  [NICE]: { team: { value: 't-9', display: 'Night shift' } },
  'urn:acme:custom:2.0:User': { badge: 'B-7', tags: [{ value: 'x' }] },
  meta: { created: '2024-01-01T00:00:00.000Z', lastModified: '2024-06-01T12:00:00.000Z', version: 'W/"3"' },
};
const bob: Record<string, unknown> = {
  id: 'id-2',
  userName: 'bob@example.com',
  name: { givenName: 'Bob', familyName: 'Builder' },
  emails: [{ value: 'bob@example.com', type: 'work' }],
  active: false,
  meta: { created: '2024-01-02T00:00:00.000Z', lastModified: '2025-01-01T00:00:00.000Z' },
};

const matching = (filter: string): string[] => {
  const predicate = compileFilter(filter);
  return [alice, bob].filter(predicate).map((u) => String(u.id));
};

const rejection = (filter: string): Record<string, unknown> => {
  try {
    compileFilter(filter);
  } catch (err) {
    if (err instanceof ReplyError) return { ...(err.reply.body as Record<string, unknown>), httpStatus: err.reply.status };
    throw err;
  }
  throw new Error(`accepted: ${filter}`);
};

describe('SCIM filter', () => {
  test.each([
    ['userName eq "alice@example.com"', ['id-1']], // userName is caseExact false
    ['USERNAME EQ "ALICE@EXAMPLE.COM"', ['id-1']], // attribute names and operators are case-insensitive
    ['externalId eq "Okta-1"', ['id-1']],
    ['externalId eq "okta-1"', []], // externalId is caseExact
    ['id eq "id-2"', ['id-2']],
    ['userName ne "bob@example.com"', ['id-1']],
    ['userName co "EXAMPLE"', ['id-1', 'id-2']],
    ['userName sw "bo"', ['id-2']],
    ['userName ew ".COM"', ['id-1', 'id-2']],
    ['externalId pr', ['id-1']],
    ['not (externalId pr)', ['id-2']],
    ['active eq true', ['id-1']],
    ['active eq false and userName sw "b"', ['id-2']],
    ['userName sw "a" or userName sw "b"', ['id-1', 'id-2']],
    ['userName sw "z" or userName sw "a" and active eq false', []], // and binds tighter than or
    ['(userName sw "z" or userName sw "a") and active eq true', ['id-1']],
    ['emails.value eq "alice@home.org"', ['id-1']],
    ['emails eq "bob@example.com"', ['id-2']], // a multi-valued attribute alone means its value
    ['emails[type eq "work"].value eq "alice@example.com"', ['id-1']],
    ['emails[type eq "work"].value eq "alice@home.org"', []], // sub-filter and value on the same element
    ['emails[type eq "home" and value co "home"]', ['id-1']],
    ['name.familyName eq "O\\"Hara\\\\Smith"', ['id-1']], // JSON escapes
    ['name.familyName eq "builder"', ['id-2']],
    ['meta.lastModified gt "2024-12-31T00:00:00Z"', ['id-2']],
    ['meta.lastModified ge "2024-06-01T12:00:00Z"', ['id-1', 'id-2']],
    ['meta.lastModified lt "2024-06-01T12:00:00Z"', []],
    ['meta.lastModified le "2024-06-01T12:00:00.000Z"', ['id-1']],
    [`${ENTERPRISE}:department eq "support"`, ['id-1']],
    [`${ENTERPRISE}:manager.value eq "m-1"`, ['id-1']],
    [`${NICE}:team.display sw "night"`, ['id-1']],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bob@example.com"', ['id-2']],
    ['urn:acme:custom:2.0:User:badge eq "B-7"', ['id-1']],
    ['externalId eq null', ['id-2']],
  ])('%s', (filter, ids) => {
    expect(matching(filter)).toEqual(ids);
  });

  test.each([
    ['', 'empty'],
    ['userName eq', 'missing value'],
    ['userName eq alice', 'unquoted string'],
    ['userName eq "alice', 'unterminated string'],
    ['userName eq "bad \\x escape"', 'bad escape'],
    ['userName foo "a"', 'unknown operator'],
    ['userName eq "a" and', 'dangling and'],
    ['(userName eq "a"', 'unbalanced parenthesis'],
    ['not userName eq "a"', 'not without parentheses'],
    ['nosuchattr eq "a"', 'unknown attribute'],
    ['name eq "a"', 'complex attribute without sub-attribute'],
    ['active eq "true"', 'string compared with a boolean attribute'],
    ['active gt true', 'ordering on a boolean'],
    ['userName eq true', 'boolean compared with a string attribute'],
    ['meta.lastModified gt "yesterday"', 'not a dateTime'],
    ['emails[type eq "work"][value pr]', 'nested brackets'],
    ['userName eq "a" userName eq "b"', 'missing logical operator'],
    ['active eq True', 'JSON literals are lower case'],
  ])('rejects %j (%s) with 400 invalidFilter', (filter) => {
    expect(rejection(filter)).toMatchObject({ httpStatus: 400, status: '400', scimType: 'invalidFilter' });
  });

  test('parses into a tree with `and` under `or`', () => {
    expect(parseFilter('a pr or b pr and c pr')).toMatchObject({
      kind: 'or',
      left: { kind: 'present', path: { name: 'a' } },
      right: { kind: 'and' },
    });
  });
});
