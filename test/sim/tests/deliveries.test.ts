import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from './support/wait.ts';
import { createWorld, type World } from './support/world.ts';

let world: World;

beforeAll(async () => {
  world = await createWorld();
  for (let i = 0; i < 5; i++)
    await world.sim.createIssue({ repo: 'acme/widgets', user: 'carol', title: `Issue ${i}` });
});
afterAll(async () => {
  await world.close();
});

describe('the App’s delivery log', () => {
  it('lists deliveries newest first with cursor pagination that Octokit’s paginate follows', async () => {
    const first = await world.appOctokit.rest.apps.listWebhookDeliveries({ per_page: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.headers.link).toMatch(/cursor=.*rel="next"/);
    const all = await world.appOctokit.paginate(world.appOctokit.rest.apps.listWebhookDeliveries, {
      per_page: 2,
    });
    const ids = all.map((delivery) => delivery.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(all.filter((delivery) => delivery.event === 'issues')).toHaveLength(5);
    expect(all[0]).toMatchObject({
      status: 'OK',
      status_code: 200,
      redelivery: false,
      installation_id: world.installationId,
    });
  });

  it('logs a delivery to an unreachable App as failed, and redelivers it with the same GUID', async () => {
    world.sim.setWebhookReachable('agent-dispatch', false);
    const { deliveries } = await world.sim.createComment({
      repo: 'acme/widgets',
      issue: 1,
      user: 'maria',
      body: '/agent go',
    });
    world.sim.setWebhookReachable('agent-dispatch', true);
    const failed = deliveries[0];
    expect(failed).toMatchObject({ statusCode: 0, status: 'failed to connect to host', redelivery: false });
    const { data } = await world.appOctokit.rest.apps.getWebhookDelivery({ delivery_id: failed?.id ?? 0 });
    expect(data).toMatchObject({
      guid: failed?.guid,
      status_code: 0,
      event: 'issue_comment',
      action: 'created',
    });
    expect(data.request.headers?.['x-github-delivery']).toBe(failed?.guid);

    const before = world.receiver.received.length;
    const attempt = await world.appOctokit.rest.apps.redeliverWebhookDelivery({
      delivery_id: failed?.id ?? 0,
    });
    expect(attempt.status).toBe(202);
    await waitUntil('the redelivery arrives', () => world.receiver.received.length > before);
    await world.sim.idle();
    const redelivered = world.receiver.received.at(-1);
    expect(redelivered?.delivery).toBe(failed?.guid);
    expect(redelivered?.verified).toBe(true);
    const { data: list } = await world.appOctokit.rest.apps.listWebhookDeliveries({ per_page: 1 });
    expect(list[0]).toMatchObject({ guid: failed?.guid, redelivery: true, status: 'OK' });
  });

  it('logs the App’s error status as an invalid response', async () => {
    world.receiver.status = 500;
    const { deliveries } = await world.sim.createComment({
      repo: 'acme/widgets',
      issue: 1,
      user: 'maria',
      body: 'hello',
    });
    world.receiver.status = 200;
    expect(deliveries[0]).toMatchObject({ statusCode: 500, status: 'Invalid HTTP Response: 500' });
  });

  it('redelivers in process through sim.redeliver', async () => {
    const original = world.sim.deliveries.find((delivery) => delivery.event === 'issues');
    const again = await world.sim.redeliver(original?.id ?? 0);
    expect(again).toMatchObject({ guid: original?.guid, redelivery: true, statusCode: 200 });
    expect(again.id).not.toBe(original?.id);
  });
});

describe('raw deliveries for hostile tests', () => {
  it('sends an arbitrary body unsigned, signed with sha1 only, or with a wrong secret', async () => {
    const before = world.receiver.received.length;
    const body = '{"action":"created","zen":"raw"}';
    await world.sim.deliverRawTo('agent-dispatch', { event: 'issue_comment', body, signature: 'none' });
    await world.sim.deliverRawTo('agent-dispatch', { event: 'issue_comment', body, signature: 'sha1' });
    await world.sim.deliverRawTo('agent-dispatch', { event: 'issue_comment', body, secret: 'wrong' });
    await world.sim.deliverRawTo('agent-dispatch', { event: 'issue_comment', body });
    const raw = world.receiver.received.slice(before);
    expect(raw.map((r) => r.verified)).toEqual([false, false, false, true]);
    expect(raw[1]?.headers['x-hub-signature']).toMatch(/^sha1=/);
    expect(raw[1]?.headers['x-hub-signature-256']).toBeUndefined();
  });
});

describe('the simulator as its own process', () => {
  it('prints its URLs and is scripted through the control API', async () => {
    const child = spawn(process.execPath, ['test/sim/cli.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const line = await new Promise<string>((resolve) =>
        createInterface({ input: child.stdout }).once('line', resolve),
      );
      const { url, apiUrl, controlUrl } = JSON.parse(line) as {
        url: string;
        apiUrl: string;
        controlUrl: string;
      };
      expect(apiUrl).toBe(`${url}/api/v3`);
      const post = async (path: string, body: unknown) => {
        const response = await fetch(`${controlUrl}${path}`, { method: 'POST', body: JSON.stringify(body) });
        expect(response.status).toBe(200);
        return response.json() as Promise<Record<string, unknown>>;
      };
      await post('/users', { login: 'dana' });
      await post('/repos', { owner: 'dana', name: 'tools', files: { 'README.md': 'hi\n' } });
      await post('/faults', {
        route: '/repos/{owner}/{repo}',
        kind: { type: 'status', status: 503 },
        count: 1,
      });
      const { token } = (await post('/user-tokens', { login: 'dana' })) as { token: string };
      const faulted = await fetch(`${apiUrl}/repos/dana/tools`, {
        headers: { authorization: `token ${token}` },
      });
      expect(faulted.status).toBe(503);
      const repo = await fetch(`${apiUrl}/repos/dana/tools`, {
        headers: { authorization: `token ${token}` },
      });
      expect(((await repo.json()) as { full_name: string }).full_name).toBe('dana/tools');
      const log = (await (await fetch(`${controlUrl}/requests`)).json()) as Array<{
        status: number;
        fault: string | null;
      }>;
      expect(log.map((record) => [record.status, record.fault])).toEqual([
        [503, 'status'],
        [200, null],
      ]);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });
});
