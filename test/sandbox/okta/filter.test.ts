import { checkFilter, evaluateFilter, parseFilter, FilterSyntaxError } from '../../../sandbox/okta/filter';
import { userFilterRules, userSearchRules, groupFilterRules } from '../../../sandbox/okta/queries';

const record: Record<string, unknown[]> = {
  status: ['ACTIVE'],
  lastUpdated: [Date.UTC(2024, 0, 2, 3, 4, 5)],
  'profile.login': ['Ana.Ruiz@example.com'],
  'target.type': ['User', 'UserGroup'],
};
const evaluate = (text: string, caseInsensitive = false): boolean =>
  evaluateFilter(parseFilter(text), { get: (a) => record[a] ?? [], isDate: (a) => a === 'lastUpdated', caseInsensitive });

describe('Okta filter expressions', () => {
  test('and binds tighter than or; parentheses override', () => {
    expect(evaluate('status eq "SUSPENDED" and status eq "X" or status eq "ACTIVE"')).toBe(true);
    expect(evaluate('status eq "SUSPENDED" and (status eq "X" or status eq "ACTIVE")')).toBe(false);
    expect(evaluate('not (status eq "ACTIVE")')).toBe(false);
  });

  test('dates compare as instants, strings by case as asked, arrays by any element', () => {
    expect(evaluate('lastUpdated gt "2024-01-02T03:04:04.999Z"')).toBe(true);
    expect(evaluate('lastUpdated gt "2024-01-02T03:04:05.000Z"')).toBe(false);
    expect(evaluate('lastUpdated ge "2024-01-02T04:04:05+01:00"')).toBe(true);
    expect(evaluate('profile.login eq "ana.ruiz@example.com"')).toBe(false);
    expect(evaluate('profile.login eq "ana.ruiz@example.com"', true)).toBe(true);
    expect(evaluate('profile.login sw "ana"', true)).toBe(true);
    expect(evaluate('target.type eq "UserGroup"')).toBe(true);
    expect(evaluate('profile.login pr')).toBe(true);
    expect(() => evaluate('lastUpdated gt "last tuesday"')).toThrow(FilterSyntaxError);
  });

  test('syntax errors', () => {
    for (const bad of ['status eq', 'status eq ACTIVE', '(status eq "A"', 'status is "A"', 'status eq "A" "B"', 'status eq "open']) {
      expect(() => parseFilter(bad)).toThrow(FilterSyntaxError);
    }
  });

  test('each endpoint accepts only what Okta accepts', () => {
    const ok = (rules: typeof userFilterRules, text: string): boolean => {
      try {
        checkFilter(parseFilter(text), rules);
        return true;
      } catch {
        return false;
      }
    };
    expect(ok(userFilterRules, 'status eq "ACTIVE" and lastUpdated gt "2024-01-01T00:00:00.000Z"')).toBe(true);
    expect(ok(userFilterRules, 'status gt "ACTIVE"')).toBe(false);
    expect(ok(userFilterRules, 'profile.department eq "Sales"')).toBe(false);
    expect(ok(userFilterRules, 'not (status eq "ACTIVE")')).toBe(false);
    expect(ok(userSearchRules, 'profile.department eq "Sales"')).toBe(true);
    expect(ok(userSearchRules, 'profile.login co "ana"')).toBe(true);
    expect(ok(userSearchRules, 'profile.department co "Sal"')).toBe(false);
    expect(ok(groupFilterRules, 'type eq "OKTA_GROUP"')).toBe(true);
    expect(ok(groupFilterRules, 'profile.name eq "WFM Agents"')).toBe(false);
  });
});
