import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildMapping, type Mapping } from '../../config/mapping';
import { mapOktaUser } from '../../mappers/okta-to-wfm';
import { buildResource } from '../../mappers/scim-merge';
import { inScopeUsers } from '../../sandbox/okta/oracle';
import { countRequests } from '../../sandbox/wfm/server';
import { startHarness } from '../helpers/harness';

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
const section = README.slice(README.indexOf('## Mapping file'), README.indexOf('## Troubleshooting'));
const block = (lang: string): string => {
  const start = section.indexOf(`\`\`\`${lang}\n`);
  if (start < 0) throw new Error(`no ${lang} block in the README's mapping section`);
  return section.slice(start + lang.length + 4, section.indexOf('```\n', start + 4));
};

function readmeMapping(): Mapping {
  const { mapping, problems } = buildMapping(parse(block('yaml')));
  expect(problems).toEqual([]);
  if (!mapping) throw new Error('no mapping');
  return mapping;
}

describe('the README mapping example', () => {
  it('parses, and gives the user shown exactly the resource shown', () => {
    const maria = mapOktaUser(
      {
        id: '00u1abcdefghijklmno2', status: 'ACTIVE', groups: ['Billing East', 'Night Shift'],
        profile: { login: 'Maria.Lopez@example.com', email: 'maria.lopez@example.com', firstName: 'Maria', lastName: 'Lopez', mobilePhone: '+1 555 0100', city: 'Lyon', employeeNumber: '10042' },
      },
      { mapping: readmeMapping(), supervisorGroups: ['WFM Supervisors'] },
    );
    if (!maria.ok) throw new Error(maria.reason);
    expect(buildResource(maria.user, readmeMapping())).toEqual(JSON.parse(block('json')));
  });

  it('syncs against the sandbox: roles, teams and the custom extension as documented, nothing left to change', async () => {
    const h = await startHarness({ users: 24, seed: 6 });
    try {
      const users = inScopeUsers(h.okta.state, h.okta.appId, { supervisorGroup: 'WFM Supervisors' });
      const agents = users.filter((u) => !u.supervisor);
      const [east, night, both] = agents as [typeof agents[0], typeof agents[0], typeof agents[0]];
      const billingEast = h.okta.state.createGroup('Billing East');
      const nightShift = h.okta.state.createGroup('Night Shift');
      for (const u of [east, both]) h.okta.state.addToGroup(billingEast.id, u.id);
      for (const u of [night, both]) h.okta.state.addToGroup(nightShift.id, u.id);
      h.okta.state.updateProfile(both.id, { city: 'Lyon' });
      const dir = mkdtempSync(join(tmpdir(), 'readme-mapping-'));
      writeFileSync(join(dir, 'mapping.yaml'), block('yaml'));
      const env = { MAPPING_FILE: join(dir, 'mapping.yaml') };

      expect((await h.cli(['sync', '--once'], env)).code).toBe(0);
      const wfm = (oktaId: string) => h.wfm.state.all().find((u) => u.externalId === oktaId) as Record<string, unknown>;
      const nice = (oktaId: string) => wfm(oktaId)['urn:ietf:params:scim:schemas:extension:nice:2.0:User'];
      const role = (oktaId: string) => (wfm(oktaId).roles as { value: string }[])[0]?.value;
      const supervisor = users.find((u) => u.supervisor);
      if (!supervisor) throw new Error('no supervisor in the org');
      expect([role(supervisor.id), nice(supervisor.id)]).toEqual(['supervisor', { team: { value: 'T-SUP', display: 'Supervisors' } }]);
      expect([role(east.id), nice(east.id), wfm(east.id).userType]).toEqual(['agent', { team: { value: 'T-EAST', display: 'Billing East' } }, undefined]);
      expect([role(night.id), nice(night.id), wfm(night.id).userType]).toEqual(['night-agent', { team: { value: 'T-0', display: 'Unassigned' } }, 'Night']);
      expect([role(both.id), (nice(both.id) as { team: { value: string } }).team.value]).toEqual(['night-agent', 'T-EAST']);
      expect(wfm(both.id)['urn:ietf:params:scim:schemas:extension:acme:2.0:User']).toEqual({ site: 'Lyon' });

      h.wfm.requests.length = 0;
      const again = await h.cli(['sync', '--once', '--json'], env);
      expect(again.report?.planned.noop).toBe(users.length);
      expect(countRequests(h.wfm.requests, { method: ['POST', 'PUT'] })).toBe(0);
    } finally {
      await h.close();
    }
  });
});
