import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SECRET_SETTINGS } from '../../config/setting-docs';

type Service = { command?: string[]; healthcheck?: unknown; env_file?: string; depends_on?: Record<string, { condition: string }>; ports?: string[]; build?: string };

describe('docker-compose.yml', () => {
  const text = readFileSync(join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8');
  const compose = parse(text) as { services: Record<string, Service> };

  it('runs Redis durable and never evicting, with a health check', () => {
    const redis = compose.services.redis;
    expect(redis?.command?.join(' ')).toMatch(/--appendonly yes/);
    expect(redis?.command?.join(' ')).toMatch(/--maxmemory-policy noeviction/);
    expect(redis?.healthcheck).toBeDefined();
  });

  it('runs every worker with its HTTP server, so the image\'s health check (GET /healthz on HTTP_PORT) answers', () => {
    const dockerfile = readFileSync(join(__dirname, '..', '..', 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/HEALTHCHECK .*\/healthz/);
    // The command on the image's PATH, as `docker compose exec worker okta-wfm-sync status` needs.
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { bin?: Record<string, string> };
    expect(pkg.bin?.['okta-wfm-sync']).toBe('dist/worker/cli.js');
    expect(dockerfile).toMatch(/ln -s \/app\/dist\/worker\/cli\.js \/usr\/local\/bin\/okta-wfm-sync/);
    for (const name of ['worker', 'extra-worker']) {
      const service = compose.services[name] as Service & { environment?: Record<string, string> };
      expect(service.command).toEqual(['worker']);
      expect(service.environment?.HTTP_PORT).toBe('8080');
    }
    expect(compose.services['extra-worker']?.ports).toBeUndefined();
  });

  it('runs the worker from the Dockerfile with .env, after a healthy Redis, with the dashboard port', () => {
    const worker = compose.services.worker;
    expect(worker).toMatchObject({ build: '.', env_file: '.env', depends_on: { redis: { condition: 'service_healthy' } } });
    expect(worker?.ports?.some((p) => p.endsWith(':8080'))).toBe(true);
  });

  it('takes REDIS_URL from the environment, this file\'s Redis by default', () => {
    for (const name of ['worker', 'extra-worker']) {
      const service = compose.services[name] as Service & { environment?: Record<string, string> };
      expect([name, service.environment?.REDIS_URL]).toEqual([name, '${REDIS_URL:-redis://redis:6379}']);
    }
  });

  it('shows, commented, a mapping file mounted as a volume and secrets read through NAME_FILE, which uncommented make a working file', () => {
    // Below `services:` a commented line that is YAML (a key, or a list item) is an example line; the rest is prose.
    const start = text.indexOf('\nservices:');
    const uncommented = text.slice(0, start) + text.slice(start).replace(/^(\s*)# (\s*(?:[\w-]+:(?: .*)?|- .*))$/gm, '$1$2');
    type Full = { services: Record<string, Service & { environment?: Record<string, string>; volumes?: string[]; secrets?: string[] }>; secrets?: Record<string, { file?: string }> };
    const full = parse(uncommented) as Full;
    const worker = full.services.worker;
    const env = worker?.environment ?? {};
    const mapping = env.MAPPING_FILE;
    expect(mapping).toMatch(/^\/\S+\.yaml$/);
    expect(worker?.volumes).toContainEqual(expect.stringMatching(new RegExp(`^\\./\\S+:${mapping ?? ''}:ro$`)));
    const fileSettings = Object.keys(env).filter((k) => k.endsWith('_FILE') && k !== 'MAPPING_FILE');
    expect(fileSettings.length).toBeGreaterThan(0);
    for (const setting of fileSettings) {
      // Only a secret setting is read from NAME_FILE; Docker mounts a service's secret at /run/secrets/<name>.
      expect(SECRET_SETTINGS).toContain(setting.replace(/_FILE$/, ''));
      const secret = /^\/run\/secrets\/([\w-]+)$/.exec(env[setting] ?? '')?.[1];
      expect([setting, worker?.secrets?.includes(secret ?? '')]).toEqual([setting, true]);
      expect(full.secrets?.[secret ?? '']?.file).toMatch(/^\.\//);
    }
    // The file as shipped has none of them on.
    expect(compose.services.worker).not.toHaveProperty('volumes');
    expect((compose.services.worker as { environment?: Record<string, string> }).environment).not.toHaveProperty('MAPPING_FILE');
  });
});
