import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

type Service = { command?: string[]; healthcheck?: unknown; env_file?: string; depends_on?: Record<string, { condition: string }>; ports?: string[]; build?: string };

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };

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
});
