// Checks a webhook request before anything is stored: GitHub's SHA-256 signature over the exact
// raw bytes of the body (the SHA-1 header alone is not accepted), the headers it always sends, a
// JSON body. (@octokit/webhooks-methods signs a string, which would re-encode bytes that are not
// valid UTF-8; the HMAC here is over the bytes themselves, compared in constant time.)
import { createHmac, timingSafeEqual } from 'node:crypto';

export type WebhookHeaders = {
  event: string | undefined;
  deliveryId: string | undefined;
  signature256: string | undefined;
};

export type VerifiedWebhook = {
  ok: true;
  event: string;
  deliveryId: string;
  payload: Record<string, unknown>;
  /** The body as text, as it was parsed. */
  text: string;
};
export type RejectedWebhook = { ok: false; status: 400 | 401; reason: string };

const DELIVERY_ID = /^[A-Za-z0-9-]{1,64}$/;
// GitHub's event names: lower case, digits and underscores (`projects_v2_item`, `sub_issues`).
const EVENT_NAME = /^[a-z][a-z0-9_]{0,63}$/;

export async function verifyWebhook(
  secret: string,
  headers: WebhookHeaders,
  rawBody: Buffer,
): Promise<VerifiedWebhook | RejectedWebhook> {
  const signature = headers.signature256;
  if (!signature || !/^sha256=[0-9a-f]{64}$/.test(signature)) {
    return { ok: false, status: 401, reason: 'missing or malformed X-Hub-Signature-256' };
  }
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`);
  if (!timingSafeEqual(expected, Buffer.from(signature))) {
    return { ok: false, status: 401, reason: 'signature does not match the body' };
  }
  if (!headers.event || !EVENT_NAME.test(headers.event)) {
    return { ok: false, status: 400, reason: 'missing or malformed X-GitHub-Event' };
  }
  if (!headers.deliveryId || !DELIVERY_ID.test(headers.deliveryId)) {
    return { ok: false, status: 400, reason: 'missing or malformed X-GitHub-Delivery' };
  }
  const text = rawBody.toString('utf8');
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, reason: 'body is not JSON' };
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { ok: false, status: 400, reason: 'body is not a JSON object' };
  }
  return {
    ok: true,
    event: headers.event,
    deliveryId: headers.deliveryId,
    payload: payload as Record<string, unknown>,
    text,
  };
}
