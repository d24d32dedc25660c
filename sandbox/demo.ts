import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { deleteKeys, redisAnswers } from '../store/redis';
import { sandboxEnv } from './env';
import { inScopeUsers } from './okta/oracle';
import { startOktaSandbox } from './okta/server';
import { countRequests, startWfmSandbox } from './wfm/server';

/**
 * `npm run demo`: both sandboxes on loopback, 500 Okta users, then a dry run, a real sync and a
 * second sync that writes nothing, each through the real CLI. Stops everything it started.
 */
const USERS = 500;
const SEED = 42;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The WFM user made by hand that no Okta user has: the sync leaves it alone. */
const CONTRACTOR = 'contractor.only.in.wfm@example.com';

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, '..', 'worker', 'cli.js'), ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout }));
  });
}

async function main(): Promise<number> {
  if (!(await redisAnswers(REDIS_URL))) {
    process.stderr.write(`No Redis answers at ${REDIS_URL}: start one with \`redis-server --daemonize yes\` (or set REDIS_URL) and run the demo again.\n`);
    return 1;
  }
  // The sandboxes start empty each time, so the run's state in Redis starts empty too (a record of
  // an earlier demo's writes would read as edits made in the WFM), and is removed at the end.
  const prefix = `okta-wfm-demo-${Date.now().toString(36)}`;
  const okta = await startOktaSandbox({ users: USERS, seed: SEED });
  const wfm = await startWfmSandbox();
  try {
    // Two users a WFM admin created by hand: one is also in Okta (the sync links it, no duplicate),
    // one is not (the sync leaves it alone).
    const someone = okta.state.findUserByLogin(pickInScopeLogin(okta));
    if (someone) {
      wfm.state.seedUser({
        userName: String(someone.profile.login).toUpperCase(),
        name: { givenName: String(someone.profile.firstName), familyName: String(someone.profile.lastName) },
        emails: [{ value: String(someone.profile.email), type: 'work', primary: true }],
        phoneNumbers: [{ value: '+1 555 0100', type: 'mobile' }],
        active: true,
      });
    }
    wfm.state.seedUser({
      userName: CONTRACTOR,
      name: { givenName: 'Casey', familyName: 'Contractor' },
      emails: [{ value: CONTRACTOR, type: 'work', primary: true }],
      active: true,
    });
    const env = sandboxEnv(okta, wfm, { REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn' });
    say(`Sandbox Okta at ${okta.url}: ${USERS} users (seed ${SEED}), app ${okta.appId}; sandbox WFM at ${wfm.scimUrl} with 2 users made by hand.`);
    const steps: [string, string[]][] = [
      ['1. Dry run: the plan, nothing written', ['sync', '--once', '--dry-run']],
      ['2. Sync: create every in-scope user', ['sync', '--once']],
      ['3. Sync again: nothing left to change', ['sync', '--once']],
    ];
    let worst = 0;
    for (const [title, args] of steps) {
      say(`\n${title}\n$ okta-wfm-sync ${args.join(' ')}`);
      wfm.requests.length = 0;
      const { code, stdout } = await runCli(args, env);
      process.stdout.write(stdout);
      const posts = countRequests(wfm.requests, { method: 'POST', api: 'scim' });
      const puts = countRequests(wfm.requests, { method: 'PUT', api: 'scim' });
      say(`  WFM saw ${posts} POST and ${puts} PUT; exit code ${code}`);
      worst = Math.max(worst, code);
    }
    const all = wfm.state.all();
    say(`\nThe WFM now holds ${all.length} users (${all.filter((u) => u.externalId).length} linked to Okta):`);
    say(`- each of the ${inScopeUsers(okta.state, okta.appId).length} Okta users in scope (assigned to the app, and active or about to be) has a WFM user;`);
    if (someone) {
      say(`- ${String(someone.profile.login).toUpperCase()}, made by hand in the WFM with an Okta user's login, was linked to that user, not duplicated`);
      say('  (the update of step 2, "with no record of our last write": the sync had not written it before);');
    }
    say(`- ${CONTRACTOR}, whom Okta does not have, was left as it was.`);
    say('\nNext: start the sandboxes on their own and point okta-wfm-sync at them to try check, plan, explain <login>,');
    say('export, audit, offboard and the worker: see "Command line" in README.md.');
    return worst;
  } finally {
    await Promise.all([okta.close(), wfm.close(), deleteKeys(REDIS_URL, `${prefix}:*`)]);
  }
}

function pickInScopeLogin(okta: Awaited<ReturnType<typeof startOktaSandbox>>): string {
  return inScopeUsers(okta.state, okta.appId)[0]?.login ?? '';
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
