import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSecretReference } from '../../../src/contract/secret-reference.ts';
import { createSecretManagerReader } from '../../../src/platform/config/google-secret-manager.ts';
import { readConfig } from '../../../src/platform/config/read-config.ts';
import { resolveSecretReferences } from '../../../src/platform/config/resolve-secrets.ts';
import { type SecretManagerFake, startSecretManagerFake } from '../../sim/secret-manager/fake.ts';

const webhookSecret = 'webhook-secret-from-secret-manager';
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

describe('gcp-sm:// references, resolved with the real Secret Manager client against a local fake', () => {
  let fake: SecretManagerFake;
  let reader: ReturnType<typeof createSecretManagerReader>;

  beforeAll(async () => {
    fake = await startSecretManagerFake({
      secrets: {
        'projects/acme/secrets/webhook-secret/versions/1': webhookSecret,
        'projects/acme/secrets/app-key/versions/3': privateKey,
        'projects/acme/secrets/locked/versions/1': 'do-not-print-this-value',
      },
      denied: ['projects/acme/secrets/locked'],
    });
    reader = createSecretManagerReader(fake.clientOptions());
  });
  afterAll(async () => {
    await reader.close();
    await fake.close();
  });

  it('replaces references with the secrets and validates the result', async () => {
    const resolved = await resolveSecretReferences(
      {
        APP_ID: '42',
        WEBHOOK_SECRET: 'gcp-sm://projects/acme/secrets/webhook-secret/versions/1',
        PRIVATE_KEY: 'gcp-sm://projects/acme/secrets/app-key/versions/latest',
      },
      reader,
    );
    if (!resolved.ok) throw new Error(JSON.stringify(resolved.problems));
    const config = readConfig(resolved.env);
    expect(config.ok && config.config.github).toEqual({
      appId: 42,
      privateKey: privateKey.trim(),
      webhookSecret,
    });
  });

  it('names the variable and the reference of a missing secret', async () => {
    const resolved = await resolveSecretReferences(
      { WEBHOOK_SECRET: 'gcp-sm://projects/acme/secrets/nope/versions/1' },
      reader,
    );
    expect(resolved).toEqual({
      ok: false,
      problems: [
        {
          variable: 'WEBHOOK_SECRET',
          message:
            'secret gcp-sm://projects/acme/secrets/nope/versions/1 was not found; check the project, secret name and version',
        },
      ],
    });
  });

  it('reports a denied secret without revealing its value', async () => {
    const resolved = await resolveSecretReferences(
      { PRIVATE_KEY: 'gcp-sm://projects/acme/secrets/locked/versions/1' },
      reader,
    );
    expect(resolved.ok).toBe(false);
    const text = JSON.stringify(resolved);
    expect(text).toContain('gcp-sm://projects/acme/secrets/locked/versions/1');
    expect(text).toMatch(/permission denied/);
    expect(text).not.toContain('do-not-print-this-value');
  });

  it('reports every failing reference at once', async () => {
    const resolved = await resolveSecretReferences(
      {
        PRIVATE_KEY: 'gcp-sm://projects/acme/secrets/locked/versions/1',
        WEBHOOK_SECRET: 'gcp-sm://projects/acme/secrets/nope/versions/1',
        DATABASE_URL: 'gcp-sm://not-a-reference',
      },
      reader,
    );
    expect(!resolved.ok && resolved.problems.map((p) => p.variable)).toEqual([
      'DATABASE_URL',
      'PRIVATE_KEY',
      'WEBHOOK_SECRET',
    ]);
  });

  it.each([
    ['gcp-sm://projects/p/secrets/s/versions/1', 'projects/p/secrets/s/versions/1'],
    [
      'gcp-sm://projects/p-1/secrets/my_secret/versions/latest',
      'projects/p-1/secrets/my_secret/versions/latest',
    ],
  ])('parses %s', (reference, resourceName) => {
    expect(parseSecretReference(reference)).toEqual({ reference, resourceName });
  });

  it.each(['gcp-sm://projects/p/secrets/s', 'gcp-sm://p/s/v', 'gcp-sm://projects/p/secrets/s/versions/x'])(
    'refuses the malformed reference %s',
    (reference) => {
      expect(parseSecretReference(reference)).toEqual({
        error: expect.stringMatching(/not a valid secret reference/),
      });
    },
  );
});
