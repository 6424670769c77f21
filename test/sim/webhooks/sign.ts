// Webhook signatures as GitHub computes them: HMAC over the exact bytes of the body.
import { createHmac } from 'node:crypto';

export function signSha256(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function signSha1(secret: string, body: string | Buffer): string {
  return `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;
}
