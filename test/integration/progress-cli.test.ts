import { inScopeUsers } from '../../sandbox/okta/oracle';
import { runCli } from '../../worker/cli';
import { createStatusLine } from '../../worker/status-line';
import { startHarness, type Harness } from '../helpers/harness';

describe('progress of sync --once: a status line on a terminal, log lines off one', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ users: 16, seed: 13 });
  });
  afterAll(() => h.close());

  it('on a terminal, each phase ends as a line of its own and the writes show counts and rate', async () => {
    let screen = '';
    const out: string[] = [];
    const code = await runCli(['sync', '--once'], {
      env: h.env,
      stdout: (l) => out.push(l),
      stderr: (l) => out.push(l),
      statusLine: createStatusLine((raw) => {
        screen += raw;
      }),
    });
    expect(code).toBe(0);
    const n = inScopeUsers(h.okta.state, h.okta.appId).length;
    const finished = screen.split('\r\u001b[2K').filter((s) => s.endsWith('\n')).map((s) => s.trim());
    expect(finished).toEqual([
      expect.stringMatching(new RegExp(`^Okta users: ${n} read in \\d+s$`)),
      expect.stringMatching(/^WFM users: 0 read in \d+s$/),
      `Planned: ${n} users`,
      expect.stringMatching(new RegExp(`^Writes: ${n}/${n} \\(100%\\) in \\d+s, [\\d.]+/s$`)),
    ]);
    expect(screen).toMatch(/Writes: \d+\/\d+ \(\d+%\) {2}[\d.]+\/s {2}ETA /);
    expect(out[0]).toMatch(/^Run full-sync-/);
  });

  it('off a terminal, the writes are logged as plain lines at info level', async () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      h.okta.state.updateProfile(inScopeUsers(h.okta.state, h.okta.appId)[0]?.id ?? '', { department: 'Progress' });
      expect((await h.cli(['sync', '--once'], { LOG_LEVEL: 'info' })).code).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const lines = written.join('').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { message: string; phase?: string });
    expect(lines.filter((l) => l.phase === 'write').map((l) => l.message)).toEqual([
      'Writes: 0/1 (0%)  0.0/s  ETA ?',
      expect.stringMatching(/^Writes: 1\/1 \(100%\) in \d+s, [\d.]+\/s$/),
    ]);
    expect(written.join('')).not.toContain('\r');
  });

  it('off-boarding shows its phases and its deactivations the same way', async () => {
    const leaver = inScopeUsers(h.okta.state, h.okta.appId)[1];
    h.okta.state.setStatus(leaver?.id ?? '', 'SUSPENDED');
    let screen = '';
    const out: string[] = [];
    const io = { env: h.env, stdout: (l: string) => out.push(l), stderr: (l: string) => out.push(l) };
    const code = await runCli(['offboard', '--once'], { ...io, statusLine: createStatusLine((raw) => { screen += raw; }) });
    expect(code).toBe(0);
    const finished = screen.split('\r\u001b[2K').filter((s) => s.endsWith('\n')).map((s) => s.trim());
    expect(finished).toEqual([
      expect.stringMatching(/^Okta users: \d+ read in \d+s$/),
      expect.stringMatching(/^WFM users: \d+ read in \d+s$/),
      expect.stringMatching(/^Writes: 1\/1 \(100%\) in \d+s, [\d.]+\/s$/),
    ]);
  });
});
