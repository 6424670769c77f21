import { describe, expect, it } from 'vitest';
import { findCredentials } from '../../../src/core/policy/find-credentials.ts';
import { credentialsIn } from '../../../src/core/policy/scan-credentials.ts';
import { add, judge, link, modify, rules } from './support.ts';

const GITHUB_TOKEN = `ghp_${'a1B2'.repeat(9)}`;
const JWT = `eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL3Rva2VuLmFjdGlvbnMifQ.${'s1gn4tur3'.repeat(4)}`;

describe('findCredentials', () => {
  it.each([
    ['GitHub token', `token = "${GITHUB_TOKEN}"`],
    ['GitHub fine-grained token', `github_pat_${'A'.repeat(30)}`],
    ['AWS access key id', 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE'],
    ['AWS secret access key', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['Google API key', `key: AIza${'b'.repeat(35)}`],
    ['Anthropic API key', `ANTHROPIC_API_KEY=sk-ant-api03-${'c'.repeat(40)}`],
    ['OpenAI project key', `OPENAI_API_KEY=sk-proj-${'d'.repeat(48)}`],
    ['OpenRouter API key', `sk-or-v1-${'0a'.repeat(32)}`],
    ['Groq API key', `gsk_${'Q'.repeat(52)}`],
    ['Slack token', 'xoxb-123456789012-abcdefghij'],
    ['Slack webhook URL', 'https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXX'],
    ['Google OAuth client secret', `client_secret: GOCSPX-${'e'.repeat(28)}`],
    ['Hugging Face token', `HF_TOKEN=hf_${'f'.repeat(34)}`],
    ['GitLab token', `glpat-${'g'.repeat(20)}`],
    ['npm token', `//registry.npmjs.org/:_authToken=npm_${'h'.repeat(36)}`],
    ['PyPI token', `pypi-AgEIcHlwaS5vcmc${'p'.repeat(60)}`],
    ['Docker Hub token', `dckr_pat_${'k'.repeat(27)}`],
    ['Azure storage key', `DefaultEndpointsProtocol=https;AccountKey=${'i'.repeat(86)}==`],
    ['private key', '-----BEGIN OPENSSH PRIVATE KEY-----'],
    ['private key', '-----BEGIN PGP PRIVATE KEY BLOCK-----'],
    ['JSON Web Token', `Authorization: Bearer ${JWT}`],
  ])('finds a %s', (kind, text) => {
    expect(findCredentials(text)).toEqual([kind]);
  });

  it('finds nothing in ordinary code', () => {
    expect(findCredentials('const token = process.env.GITHUB_TOKEN; // ghp_ prefix, sk-ant- too\n')).toEqual(
      [],
    );
  });
});

describe('credentialsIn reads bytes, not only text', () => {
  const kinds = (input: Buffer | string) => credentialsIn(input).map((m) => m.kind);

  it.each([
    [
      'inside a binary file',
      Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0xff]),
        Buffer.from(GITHUB_TOKEN),
        Buffer.from([0, 0xfe]),
      ]),
    ],
    ['as UTF-16LE', Buffer.from(GITHUB_TOKEN, 'utf16le')],
    ['as UTF-16BE', Buffer.from(GITHUB_TOKEN, 'utf16le').swap16()],
    ['base64-encoded', Buffer.from(`blob: ${Buffer.from(`x=${GITHUB_TOKEN}`).toString('base64')}\n`)],
    [
      'base64url-encoded at an odd offset',
      Buffer.from(`k=${Buffer.from(`..${GITHUB_TOKEN}`).toString('base64url')}`),
    ],
    ['hex-encoded', Buffer.from(`dump ${Buffer.from(GITHUB_TOKEN).toString('hex')} end`)],
    ['hex-encoded at an odd offset', Buffer.from(`f${Buffer.from(GITHUB_TOKEN).toString('hex')}`)],
  ])('finds a token %s', (_how, bytes) => {
    expect(kinds(bytes)).toContain('GitHub token');
  });
});

describe('credentials in what leaves the job', () => {
  it('refuses a credential in a binary file, naming the kind and the place, never the value', () => {
    const bytes = Buffer.concat([Buffer.from([0, 1, 2, 0xff]), Buffer.from(GITHUB_TOKEN), Buffer.from([0])]);
    const run = judge([add('assets/logo.png', bytes)]);
    expect(run.verdict).toEqual({
      kind: 'refused',
      violations: [
        {
          path: 'assets/logo.png',
          rule: 'credential',
          detail: "a credential (GitHub token) in the file's content",
        },
      ],
    });
    expect(JSON.stringify(run.verdict)).not.toContain(GITHUB_TOKEN.slice(4, 20));
  });

  it('refuses a credential in a symlink target before reading anything', () => {
    const run = judge([link('config', `vault/${GITHUB_TOKEN}`)]);
    expect(run.verdict).toEqual({
      kind: 'refused',
      violations: [
        { path: 'config', rule: 'credential', detail: "a credential (GitHub token) in the symlink's target" },
      ],
    });
    expect(run.readTree).toBe(false);
  });

  it('refuses a credential in a path and cuts it out of every violation', () => {
    const run = judge([add(`leak/${GITHUB_TOKEN}.txt`)]);
    expect(run.verdict).toEqual({
      kind: 'refused',
      violations: [
        {
          path: 'leak/[GitHub token].txt',
          rule: 'credential',
          detail: "a credential (GitHub token) in the file's path",
        },
      ],
    });
  });

  it('withholds a path that holds an encoded credential', () => {
    const run = judge([add(`leak/${Buffer.from(GITHUB_TOKEN).toString('hex')}`)]);
    expect(JSON.stringify(run.verdict)).not.toContain(Buffer.from(GITHUB_TOKEN).toString('hex'));
  });

  it.each([
    ['summary', { summary: `Done. Token for later: ${GITHUB_TOKEN}` }],
    ['error', { error: `failed with ${JWT}` }],
    ['model', { model: `sk-ant-api03-${'z'.repeat(40)}` }],
    ['engineVersion', { engineVersion: Buffer.from(GITHUB_TOKEN).toString('base64') }],
  ])('refuses a credential in the report %s', (field, report) => {
    const run = judge([add('notes.txt')], {}, {}, report);
    expect(rules(run)).toEqual([[`(report) ${field}`, 'credential']]);
    expect(run.readTree).toBe(false);
  });

  it('does not flag a credential the file already held at the base', () => {
    const line = `token = "${GITHUB_TOKEN}"`;
    const base = { 'a.txt': `${line}\n` };
    expect(rules(judge([modify('a.txt', `new line\n${line}\n`)], base))).toBe('accepted');
    expect(rules(judge([add('b.txt', `${line}\n`)], base))).toEqual([['b.txt', 'credential']]);
  });

  it('lists every credential kind of a file once', () => {
    const text = `${GITHUB_TOKEN}\n${GITHUB_TOKEN}\nAKIAIOSFODNN7EXAMPLE\n`;
    expect(rules(judge([add('k.env', text)]))).toEqual([
      ['k.env', 'credential'],
      ['k.env', 'credential'],
    ]);
  });
});
