// GitHub Enterprise Server: the App configured as a GHES deployment is (GITHUB_API_URL at
// https://HOST/api/v3, OIDC_ISSUER at https://HOST/_services/token), the simulator playing GHES
// (REST under /api/v3, the Actions OIDC issuer under /_services/token, webhooks with the
// X-GitHub-Enterprise-* headers). The whole loop, from a comment to a pull request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../support/stack.ts';

const AGENT_SCRIPT = '#!/usr/bin/env bash\nset -euo pipefail\necho "on GHES" > ghes.txt\n';

describe('on GitHub Enterprise Server', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ files: { 'agent.sh': AGENT_SCRIPT }, enterprise: { version: '3.16.0' } });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('is configured the way a GHES deployment is', () => {
    const host = new URL(stack.sim.url).host;
    expect(stack.config.githubApiUrl).toBe(`http://${host}/api/v3`);
    expect(stack.config.oidc).toEqual({
      issuer: `http://${host}/_services/token`,
      jwksUrl: `http://${host}/_services/token/.well-known/jwks`,
    });
  });

  it('turns a comment into a pull request', async () => {
    const issue = await stack.issue('On GHES');
    await stack.comment(issue, 'alice', '/agent write ghes.txt');
    const task = await stack.waitForTask(
      (t) => t.state === 'succeeded' || t.state === 'failed',
      'the task',
      60_000,
    );
    await stack.settle();
    expect(task.errorMessage).toBeNull();
    expect(task.state).toBe('succeeded');
    expect(task.prUrl).toMatch(new RegExp(`^${stack.sim.url}/acme/widgets/pull/\\d+$`));
    expect(await stack.sim.git.readFile('acme/widgets', task.branch ?? '', 'ghes.txt')).toEqual(
      Buffer.from('on GHES\n'),
    );

    // Every delivery came as GHES sends it, and every REST call the App made was under /api/v3.
    const deliveries = stack.sim.deliveries;
    expect(deliveries.length).toBeGreaterThan(0);
    for (const delivery of deliveries) {
      expect(delivery.request.headers['x-github-enterprise-version']).toBe('3.16.0');
      expect(delivery.statusCode).toBeGreaterThanOrEqual(200);
      expect(delivery.statusCode).toBeLessThan(300);
    }
    expect(stack.sim.requests.length).toBeGreaterThan(0);
    expect(stack.sim.requests.every((request) => request.path.startsWith('/api/v3/'))).toBe(true);
    expect(stack.sim.unexpectedRequests()).toEqual([]);
  }, 90_000);
});
