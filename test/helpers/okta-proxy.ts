import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxiedAnswer = { status: number; headers: Record<string, string | string[]>; body: unknown };
/** Rewrites one answer of the upstream (already parsed as JSON); `url` is the request URL on the proxy. */
export type Rewrite = (url: URL, answer: ProxiedAnswer) => ProxiedAnswer;

export type OktaProxy = {
  url: string;
  rewrites: Rewrite[];
  requests: URL[];
  close(): Promise<void>;
};

/**
 * An HTTP proxy in front of the sandbox Okta: forwards every request, rewrites Link headers onto
 * its own origin, and lets a test rewrite answers (an Okta implementation that differs from the
 * sandbox in a documented way).
 */
export async function startOktaProxy(upstream: string): Promise<OktaProxy> {
  const up = new URL(upstream);
  const proxy: OktaProxy = {
    url: '',
    rewrites: [],
    requests: [],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(`${proxy.url}${req.url ?? '/'}`);
    proxy.requests.push(url);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = { ...req.headers, host: up.host };
      const upReq = request({ host: up.hostname, port: up.port, path: req.url, method: req.method, headers }, (upRes) => {
        const body: Buffer[] = [];
        upRes.on('data', (c: Buffer) => body.push(c));
        upRes.on('end', () => {
          const text = Buffer.concat(body).toString('utf8');
          const outHeaders: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(upRes.headers)) {
            if (v === undefined || k === 'content-length' || k === 'transfer-encoding' || k === 'connection') continue;
            outHeaders[k] = Array.isArray(v) ? v.map((x) => x.split(upstream).join(proxy.url)) : String(v).split(upstream).join(proxy.url);
          }
          let parsed: unknown;
          try {
            parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
          } catch {
            parsed = text;
          }
          let answer: ProxiedAnswer = { status: upRes.statusCode ?? 500, headers: outHeaders, body: parsed };
          for (const r of proxy.rewrites) answer = r(url, answer);
          const out = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
          res.writeHead(answer.status, answer.headers);
          res.end(out);
        });
      });
      upReq.on('error', () => {
        res.statusCode = 502;
        res.end();
      });
      upReq.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
