// The engine's model API key: from the job's environment or a Google Secret Manager reference,
// read with the official client against the local fake; masked before anything else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionError } from '../../action/src/action-error.ts';
import { resolveEngineKey } from '../../action/src/secrets/engine-key.ts';
import {
  createSecretManagerReader,
  TEST_ENDPOINT_VARIABLE,
} from '../../action/src/secrets/secret-manager.ts';
import { type SecretManagerFake, startSecretManagerFake } from '../sim/secret-manager/fake.ts';

const VARIABLES = ['OPENAI_API_KEY', 'CODEX_API_KEY'];

async function resolve(env: Record<string, string>, readSecret = async (_: string) => 'unused') {
  const masked: string[] = [];
  const key = await resolveEngineKey({
    engine: 'codex',
    variables: VARIABLES,
    env,
    mask: (v) => masked.push(v),
    readSecret,
  });
  return { key, masked };
}

describe('the engine key', () => {
  it('takes the first variable that is set and masks it', async () => {
    const { key, masked } = await resolve({ OPENAI_API_KEY: ' ', CODEX_API_KEY: 'sk-codex\n' });
    expect(key).toEqual({ value: 'sk-codex', variable: 'CODEX_API_KEY', reference: null });
    expect(masked).toEqual(['sk-codex']);
  });

  it('names the variables and the template when there is no key', async () => {
    const error = (await resolve({}).catch((e: unknown) => e)) as ActionError;
    expect(error.code).toBe('missing-secret');
    expect(error.message).toContain('needs a model API key in OPENAI_API_KEY or CODEX_API_KEY');
    expect(error.message).toContain('workflows-templates/agent.yml');
  });

  it('reads a reference, masks the value and each of its lines, and never puts the value in an error', async () => {
    const read: string[] = [];
    const { key, masked } = await resolve(
      { OPENAI_API_KEY: 'gcp-sm://projects/p/secrets/s/versions/2' },
      async (name) => {
        read.push(name);
        return 'line-one\nline-two\n';
      },
    );
    expect(read).toEqual(['projects/p/secrets/s/versions/2']);
    expect(key).toEqual({
      value: 'line-one\nline-two',
      variable: 'OPENAI_API_KEY',
      reference: 'gcp-sm://projects/p/secrets/s/versions/2',
    });
    expect(masked).toEqual([
      'gcp-sm://projects/p/secrets/s/versions/2',
      'line-one',
      'line-two',
      'line-one\nline-two',
    ]);

    const malformed = (await resolve({ OPENAI_API_KEY: 'gcp-sm://nope' }).catch((e: unknown) => e)) as Error;
    expect(malformed.message).toContain('"gcp-sm://nope", which is not a valid Secret Manager reference');
  });
});

describe('Secret Manager through the official client', () => {
  let fake: SecretManagerFake;
  beforeAll(async () => {
    fake = await startSecretManagerFake({
      secrets: { 'projects/acme/secrets/openai/versions/1': 'sk-from-secret-manager\n' },
      denied: ['projects/acme/secrets/locked'],
    });
  });
  afterAll(async () => {
    await fake?.close();
  });

  const reader = () => createSecretManagerReader({ [TEST_ENDPOINT_VARIABLE]: fake.url });

  it('reads a secret version from the local fake, sending no credentials', async () => {
    expect(await reader()('projects/acme/secrets/openai/versions/1')).toBe('sk-from-secret-manager\n');
    expect(fake.requests.at(-1)).toMatchObject({
      name: 'projects/acme/secrets/openai/versions/1',
      status: 200,
    });
    expect(fake.requests.at(-1)?.authorization).toBeUndefined();
  });

  it('fails on a missing or denied secret with a message that names the reference, not a value', async () => {
    const { key, masked } = await resolve(
      { OPENAI_API_KEY: 'gcp-sm://projects/acme/secrets/openai/versions/1' },
      reader(),
    );
    expect(key.value).toBe('sk-from-secret-manager');
    expect(masked).toContain('sk-from-secret-manager');

    for (const missing of [
      'projects/acme/secrets/nothing/versions/1',
      'projects/acme/secrets/locked/versions/1',
    ]) {
      const error = (await resolve({ OPENAI_API_KEY: `gcp-sm://${missing}` }, reader()).catch(
        (e: unknown) => e,
      )) as ActionError;
      expect(error.code).toBe('missing-secret');
      expect(error.message).toContain(
        `OPENAI_API_KEY: the secret gcp-sm://${missing} could not be read from Google Secret Manager`,
      );
      expect(error.message).not.toContain('sk-from-secret-manager');
    }
  });

  it('honours the test endpoint only on a loopback address', async () => {
    const elsewhere = createSecretManagerReader({
      [TEST_ENDPOINT_VARIABLE]: 'http://secrets.example.com:8080',
    });
    await expect(elsewhere('projects/acme/secrets/openai/versions/1')).rejects.toThrow(
      /may only name a local test server/,
    );
  });
});
