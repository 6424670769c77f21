// Setup mode: with no App credentials, Probot serves its GitHub App registration flow (the
// manifest in app.yml). It runs on an internal port; the public server forwards every path it
// does not serve itself, keeping the Host header so Probot builds the right callback URLs.
import type { Hono } from 'hono';
import { run } from 'probot';
import type { Logger } from '../logging/create-logger.ts';
import { freePort } from './free-port.ts';

export type SetupServer = { stop(): Promise<void> };

export async function startProbotSetup(log: Logger): Promise<{ server: SetupServer; origin: string }> {
  const port = await freePort();
  const server = await run(() => {}, {
    env: {
      HOST: '127.0.0.1',
      PORT: String(port),
      // smee.io channels need the internet; a local setup can set WEBHOOK_PROXY_URL itself.
      NO_SMEE_SETUP: process.env.NO_SMEE_SETUP ?? 'true',
    },
    log: log.child({ component: 'probot-setup' }) as never,
  });
  return { server, origin: `http://127.0.0.1:${server.port}` };
}

export function mountSetupProxy(app: Hono, origin: string): void {
  app.all('*', async (c) => {
    const incoming = new URL(c.req.url);
    const target = new URL(incoming.pathname + incoming.search, origin);
    const headers = new Headers(c.req.raw.headers);
    headers.set('x-forwarded-host', incoming.host);
    const body = c.req.method === 'GET' || c.req.method === 'HEAD' ? undefined : await c.req.arrayBuffer();
    const response = await fetch(target, { method: c.req.method, headers, body, redirect: 'manual' });
    return new Response(response.body, { status: response.status, headers: response.headers });
  });
}
