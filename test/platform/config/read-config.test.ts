import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatConfigProblems, readConfig } from '../../../src/platform/config/read-config.ts';

const { privateKey: rsaPem } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const { privateKey: ecPem } = generateKeyPairSync('ec', {
  namedCurve: 'P-256',
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const SECRET = 'a-webhook-secret-of-32-characters';
const complete = { APP_ID: '123', PRIVATE_KEY: rsaPem, WEBHOOK_SECRET: SECRET };

function problemsOf(env: Record<string, string>) {
  const result = readConfig(env, () => {
    throw Object.assign(new Error('missing'), { code: 'ENOENT' });
  });
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

describe('readConfig', () => {
  it('starts in setup mode when no App credentials are set', () => {
    const result = readConfig({});
    expect(result.ok && result.config.mode).toBe('setup');
    expect(result.ok && result.config.github).toBeUndefined();
  });

  it('reads complete credentials and applies defaults', () => {
    const result = readConfig(complete);
    if (!result.ok) throw new Error(formatConfigProblems(result.problems));
    expect(result.config).toMatchObject({
      mode: 'app',
      github: { appId: 123, webhookSecret: SECRET },
      githubApiUrl: 'https://api.github.com',
      port: 3000,
      webhookPath: '/api/github/webhooks',
      workerConcurrency: 4,
      publicUrl: 'http://localhost:3000',
      oidc: {
        issuer: 'https://token.actions.githubusercontent.com',
        jwksUrl: 'https://token.actions.githubusercontent.com/.well-known/jwks',
      },
    });
  });

  it.each([
    ['escaped newlines', rsaPem.replace(/\n/g, '\\n')],
    ['base64', Buffer.from(rsaPem).toString('base64')],
  ])('accepts a private key given with %s', (_, value) => {
    const result = readConfig({ ...complete, PRIVATE_KEY: value });
    expect(result.ok && result.config.github?.privateKey).toBe(rsaPem.trim());
  });

  it('reports a malformed private key and a missing webhook secret together', () => {
    const problems = problemsOf({
      APP_ID: '123',
      PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----\nnope\n-----END',
    });
    expect(problems.map((p) => p.variable)).toEqual(['PRIVATE_KEY', 'WEBHOOK_SECRET']);
    expect(problems[0]?.message).toMatch(/not a valid PEM private key/);
    expect(problems[1]?.message).toMatch(/missing; set it to the webhook secret/);
  });

  it('reports field errors and credential errors in one pass', () => {
    const problems = problemsOf({ APP_ID: 'abc', PORT: '-1', LOG_LEVEL: 'loud', PRIVATE_KEY: rsaPem });
    expect(problems.map((p) => p.variable)).toEqual(['APP_ID', 'LOG_LEVEL', 'PORT', 'WEBHOOK_SECRET']);
  });

  it('refuses a key that is not RSA', () => {
    const problems = problemsOf({ ...complete, PRIVATE_KEY: ecPem });
    expect(problems).toEqual([{ variable: 'PRIVATE_KEY', message: expect.stringMatching(/is a ec key/) }]);
  });

  it('names an unreadable key file', () => {
    const problems = problemsOf({
      APP_ID: '1',
      PRIVATE_KEY_PATH: '/nowhere/key.pem',
      WEBHOOK_SECRET: SECRET,
    });
    expect(problems).toEqual([
      { variable: 'PRIVATE_KEY_PATH', message: 'cannot read /nowhere/key.pem (ENOENT); check the path' },
    ]);
  });

  it('reads the key from PRIVATE_KEY_PATH', () => {
    const result = readConfig({ APP_ID: '1', PRIVATE_KEY_PATH: '/k.pem', WEBHOOK_SECRET: SECRET }, (path) => {
      expect(path).toBe('/k.pem');
      return rsaPem;
    });
    expect(result.ok && result.config.github?.privateKey).toBe(rsaPem.trim());
  });

  it('requires credentials in production', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.map((p) => p.variable)).toEqual(['APP_ID', 'PRIVATE_KEY', 'WEBHOOK_SECRET']);
  });

  it.each([
    ['DATABASE_URL', 'mysql://x', /postgres:\/\//],
    ['PUBLIC_URL', 'not a url', /http\(s\) URL/],
    ['WORKER_CONCURRENCY', '0', /at least 1/],
    ['WEBHOOK_PATH', 'hooks', /start with \//],
    ['WEBHOOK_SECRET', 'short', /too short/],
  ])('points at %s when it is invalid', (variable, value, message) => {
    const problems = problemsOf({ ...complete, [variable]: value });
    expect(problems).toEqual([{ variable, message: expect.stringMatching(message) }]);
  });

  it('formats every problem on its own line', () => {
    const text = formatConfigProblems([
      { variable: 'A', message: 'one' },
      { variable: 'B', message: 'two' },
    ]);
    expect(text).toBe(
      'Configuration is invalid (2 problems):\n  - A: one\n  - B: two\nSee README.md → Configuration.',
    );
  });
});
