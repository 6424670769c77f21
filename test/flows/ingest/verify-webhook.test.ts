import { sign } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../../src/flows/ingest/verify-webhook.ts';

const SECRET = "It's a Secret to Everybody";

describe('verifyWebhook', () => {
  it("matches GitHub's published test vector", async () => {
    const signature = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    const result = await verifyWebhook(
      SECRET,
      { event: 'ping', deliveryId: 'd1', signature256: signature },
      Buffer.from('Hello, World!'),
    );
    // The signature matches; the body is not JSON, which is the next check.
    expect(result).toEqual({ ok: false, status: 400, reason: 'body is not JSON' });
  });

  it('accepts a signed JSON delivery', async () => {
    const body = JSON.stringify({ action: 'created', n: 1 });
    const result = await verifyWebhook(
      SECRET,
      { event: 'issue_comment', deliveryId: 'abc-123', signature256: await sign(SECRET, body) },
      Buffer.from(body),
    );
    expect(result).toEqual({
      ok: true,
      event: 'issue_comment',
      deliveryId: 'abc-123',
      payload: { action: 'created', n: 1 },
      text: body,
    });
  });

  it.each([
    ['no signature', undefined],
    ['a sha1 signature in the sha256 header', 'sha1=0123456789abcdef0123456789abcdef01234567'],
    ['a malformed signature', 'sha256=zz'],
    ['a signature made with another secret', 'other'],
  ])('refuses %s with 401', async (_, signature) => {
    const body = '{"a":1}';
    const value = signature === 'other' ? await sign('another secret', body) : signature;
    const result = await verifyWebhook(
      SECRET,
      { event: 'ping', deliveryId: 'd', signature256: value },
      Buffer.from(body),
    );
    expect(result).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses a body re-serialized after signing', async () => {
    const original = '{"a": 1,  "b": [1, 2]}';
    const signature = await sign(SECRET, original);
    const reserialized = JSON.stringify(JSON.parse(original));
    const result = await verifyWebhook(
      SECRET,
      { event: 'ping', deliveryId: 'd', signature256: signature },
      Buffer.from(reserialized),
    );
    expect(result).toMatchObject({ ok: false, status: 401 });
  });

  it.each(['projects_v2_item', 'sub_issues', 'security_and_analysis'])(
    'accepts the event name %s',
    async (event) => {
      const body = '{}';
      const result = await verifyWebhook(
        SECRET,
        { event, deliveryId: 'd', signature256: await sign(SECRET, body) },
        Buffer.from(body),
      );
      expect(result).toMatchObject({ ok: true, event });
    },
  );

  it.each([
    [{ event: undefined, deliveryId: 'd' }, /X-GitHub-Event/],
    [{ event: 'Bad Event', deliveryId: 'd' }, /X-GitHub-Event/],
    [{ event: '2fa_event', deliveryId: 'd' }, /X-GitHub-Event/],
    [{ event: 'ping', deliveryId: undefined }, /X-GitHub-Delivery/],
    [{ event: 'ping', deliveryId: '../etc' }, /X-GitHub-Delivery/],
  ])('refuses signed requests with bad headers %o', async (headers, reason) => {
    const body = '{}';
    const result = await verifyWebhook(
      SECRET,
      { ...headers, signature256: await sign(SECRET, body) },
      Buffer.from(body),
    );
    expect(result).toMatchObject({ ok: false, status: 400, reason: expect.stringMatching(reason) });
  });

  it('refuses a JSON body that is not an object', async () => {
    const body = '[1,2]';
    const result = await verifyWebhook(
      SECRET,
      { event: 'ping', deliveryId: 'd', signature256: await sign(SECRET, body) },
      Buffer.from(body),
    );
    expect(result).toMatchObject({ ok: false, status: 400 });
  });
});
