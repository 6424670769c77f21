// Opaque ids, their hashes, and the sealing of users' GitHub tokens at rest. The sealing key is
// derived from the App's private key (HKDF), so no further secret needs configuring; rotating the
// private key signs everyone out.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/** A random id for a cookie, an OAuth state or a CSRF token (256 bits, base64url). */
export function randomId(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored instead of a secret id or token. */
export function hashId(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

export type Sealer = { seal(plain: string): string; unseal(sealed: string): string | undefined };

export function createSealer(privateKeyPem: string): Sealer {
  const key = Buffer.from(hkdfSync('sha256', privateKeyPem, 'agent-dispatch', 'user-token-sealing', 32));
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    unseal(sealed) {
      try {
        const raw = Buffer.from(sealed, 'base64url');
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      } catch {
        return undefined;
      }
    },
  };
}

/** PKCE (RFC 7636): the S256 challenge of a verifier. */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}
