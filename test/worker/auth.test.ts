import { loadConfig } from '../../config/load-config';
import { httpExposureProblem, safeEqual } from '../../worker/auth';
import { runCli } from '../../worker/cli';
import { validEnv } from '../helpers/env';

describe('admin credentials and exposure', () => {
  it('compares in constant time whatever the lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', 'x')).toBe(false);
  });

  it('allows loopback without credentials, anything else only with them', () => {
    expect(httpExposureProblem(loadConfig(validEnv()).http)).toBeUndefined();
    expect(httpExposureProblem(loadConfig(validEnv({ HTTP_HOST: '0.0.0.0' })).http)).toMatch(/^HTTP_HOST: 0\.0\.0\.0 is not a loopback address/);
    expect(httpExposureProblem(loadConfig(validEnv({ HTTP_HOST: '0.0.0.0', ADMIN_TOKEN: 'x'.repeat(20) })).http)).toBeUndefined();
    expect(httpExposureProblem(loadConfig(validEnv({ HTTP_HOST: '0.0.0.0', ADMIN_USER: 'ops', ADMIN_PASSWORD: 'y'.repeat(12) })).http)).toBeUndefined();
  });

  it('needs ADMIN_USER and ADMIN_PASSWORD together', () => {
    expect(() => loadConfig(validEnv({ ADMIN_USER: 'ops' }))).toThrow(/ADMIN_PASSWORD: is required with ADMIN_USER/);
  });

  it('the worker refuses to start exposed without credentials: exit 2 naming HTTP_HOST', async () => {
    const err: string[] = [];
    const code = await runCli(['worker'], { env: validEnv({ HTTP_HOST: '0.0.0.0' }), stdout: () => undefined, stderr: (l) => err.push(l) });
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/HTTP_HOST: 0\.0\.0\.0 is not a loopback address/);
  });
});
