import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32c, type SecretManagerFake, startSecretManagerFake } from './fake.ts';

// gRPC status codes, which the client reports whatever the transport.
const NOT_FOUND = 5;
const PERMISSION_DENIED = 7;

let fake: SecretManagerFake;
let client: SecretManagerServiceClient;

beforeAll(async () => {
  fake = await startSecretManagerFake({
    secrets: {
      'projects/demo/secrets/anthropic-key/versions/1': 'sk-ant-old',
      'projects/demo/secrets/anthropic-key/versions/2': 'sk-ant-current',
      'projects/demo/secrets/forbidden/versions/1': 'never-read',
    },
    denied: ['projects/demo/secrets/forbidden'],
  });
  client = new SecretManagerServiceClient(fake.clientOptions());
});

afterAll(async () => {
  await client.close();
  await fake.close();
});

async function read(name: string): Promise<string> {
  const [version] = await client.accessSecretVersion({ name });
  return Buffer.from(version.payload?.data ?? '').toString('utf8');
}

describe('Secret Manager fake with the real client', () => {
  it('reads a secret version', async () => {
    const [version] = await client.accessSecretVersion({
      name: 'projects/demo/secrets/anthropic-key/versions/1',
    });

    expect(Buffer.from(version.payload?.data ?? '').toString('utf8')).toBe('sk-ant-old');
    expect(version.name).toBe('projects/demo/secrets/anthropic-key/versions/1');
    expect(Number(version.payload?.dataCrc32c)).toBe(crc32c(Buffer.from('sk-ant-old')));
  });

  it('resolves latest to the highest version, including one added later', async () => {
    expect(await read('projects/demo/secrets/anthropic-key/versions/latest')).toBe('sk-ant-current');

    const added = fake.setSecret('projects/demo/secrets/anthropic-key', 'sk-ant-rotated');

    expect(added).toBe('projects/demo/secrets/anthropic-key/versions/3');
    expect(await read('projects/demo/secrets/anthropic-key/versions/latest')).toBe('sk-ant-rotated');
  });

  it('answers a missing secret with NOT_FOUND', async () => {
    const failure = client.accessSecretVersion({ name: 'projects/demo/secrets/missing/versions/latest' });

    await expect(failure).rejects.toMatchObject({
      code: NOT_FOUND,
      httpStatusCode: 404,
      message: 'Secret [projects/demo/secrets/missing] not found or has no versions.',
    });
    expect(fake.requests.at(-1)).toMatchObject({
      status: 404,
      name: 'projects/demo/secrets/missing/versions/latest',
    });
  });

  it('answers a missing version with NOT_FOUND', async () => {
    await expect(read('projects/demo/secrets/anthropic-key/versions/9')).rejects.toMatchObject({
      code: NOT_FOUND,
      message: 'Secret Version [projects/demo/secrets/anthropic-key/versions/9] not found.',
    });
  });

  it('answers a denied secret with PERMISSION_DENIED', async () => {
    await expect(read('projects/demo/secrets/forbidden/versions/1')).rejects.toMatchObject({
      code: PERMISSION_DENIED,
      httpStatusCode: 403,
      reason: 'IAM_PERMISSION_DENIED',
      errorInfoMetadata: { resource: 'projects/demo/secrets/forbidden/versions/1' },
    });

    fake.deny('projects/demo/secrets/anthropic-key/versions/1');
    await expect(read('projects/demo/secrets/anthropic-key/versions/1')).rejects.toMatchObject({
      code: PERMISSION_DENIED,
    });
    expect(await read('projects/demo/secrets/anthropic-key/versions/2')).toBe('sk-ant-current');
  });

  it('is reached over the REST transport with no credentials', () => {
    expect(fake.requests.length).toBeGreaterThan(0);
    for (const request of fake.requests) {
      expect(request.method).toBe('GET');
      expect(request.path).toMatch(/^\/v1\/projects\/demo\/secrets\/[^/]+\/versions\/[^/]+:access$/);
      expect(request.authorization).toBeUndefined();
    }
  });
});
