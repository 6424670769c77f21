import { describe, expect, it } from 'vitest';
import type { Change } from '../../../src/contract/job-result.ts';
import {
  type ChangeWithBase,
  evaluatePatch,
  lineDelta,
  type PolicySettings,
} from '../../../src/core/policy/patch-policy.ts';

const settings: PolicySettings = {
  denyPaths: [],
  allowPaths: [],
  maxFiles: 10,
  maxLines: 100,
  maxFileBytes: 1000,
};
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
const add = (
  path: string,
  text: string | Buffer = 'hello\n',
  mode: Change & { status: 'added' } extends { mode: infer M } ? M : never = '100644',
): ChangeWithBase => ({
  path,
  status: 'added',
  mode,
  content: b64(text),
});
const rules = (changes: ChangeWithBase[], s: Partial<PolicySettings> = {}) =>
  evaluatePatch(changes, { ...settings, ...s }).map((v) => [v.path, v.rule]);

describe('evaluatePatch', () => {
  it('accepts an ordinary change', () => {
    expect(rules([add('src/app.ts'), add('README.md'), { path: 'old.txt', status: 'deleted' }])).toEqual([]);
  });

  it.each([
    '.github/workflows/ci.yml',
    '.github/workflows/nested/x.yaml',
    '.github/actions/setup/action.yml',
    '.github/agent.yml',
    'CLAUDE.md',
    'packages/web/CLAUDE.md',
    'AGENTS.md',
    'docs/AGENTS.md',
    'GEMINI.md',
    '.claude/settings.json',
    '.claude/hooks/pre.sh',
    '.mcp.json',
    '.codex/config.toml',
    '.gemini/settings.json',
    '.gitmodules',
    '.GitHub/Workflows/ci.yml',
    'claude.md',
    'packages/web/.claude/settings.json',
    'tools/.mcp.json',
    'sub/.codex/config.toml',
    'sub/.gemini/settings.json',
    '.github/copilot-instructions.md',
    '.github/instructions/ts.instructions.md',
    'CODEOWNERS',
    '.github/CODEOWNERS',
    'docs/CODEOWNERS',
  ])('denies %s by default', (path) => {
    expect(rules([add(path)])).toEqual([[path, 'denied-path']]);
  });

  it.each([
    ['a file', add('.github')],
    ['a symlink', add('.github', 'elsewhere', '120000')],
    ['a deletion', { path: '.github', status: 'deleted' } as ChangeWithBase],
  ])('denies %s at a directory that holds protected files', (_what, change) => {
    expect(evaluatePatch([change], settings)).toEqual([
      {
        path: change.path,
        rule: 'denied-path',
        detail: 'this directory holds protected files; an agent may not replace or delete it',
      },
    ]);
  });

  it.each(['.github/workflows', '.claude', 'sub/.codex'])(
    'denies a file in place of the directory %s',
    (path) => {
      expect(rules([add(path)])).toEqual([[path, 'denied-path']]);
    },
  );

  it("denies replacing a directory that holds the repository's own denied paths", () => {
    expect(rules([add('infra')], { denyPaths: ['infra/prod/**'] })).toEqual([['infra', 'denied-path']]);
    expect(rules([add('infra/dev.tf')], { denyPaths: ['infra/prod/**'] })).toEqual([]);
  });

  it('accepts ordinary files next to protected ones', () => {
    expect(rules([add('.github/ISSUE_TEMPLATE/bug.md'), add('docs/guide.md'), add('src/claude.ts')])).toEqual(
      [],
    );
  });

  it('denies deleting a workflow as well as adding one', () => {
    expect(rules([{ path: '.github/workflows/ci.yml', status: 'deleted' }])).toEqual([
      ['.github/workflows/ci.yml', 'denied-path'],
    ]);
  });

  it('lets a repository allow a default-denied path and deny its own', () => {
    const s = { allowPaths: ['CLAUDE.md'], denyPaths: ['secrets/**'] };
    expect(rules([add('CLAUDE.md'), add('secrets/a.txt'), add('.github/workflows/x.yml')], s)).toEqual([
      ['secrets/a.txt', 'denied-path'],
      ['.github/workflows/x.yml', 'denied-path'],
    ]);
  });

  it('keeps a repository denial even when the same path is allowed', () => {
    expect(rules([add('infra/main.tf')], { denyPaths: ['infra/**'], allowPaths: ['infra/**'] })).toEqual([
      ['infra/main.tf', 'denied-path'],
    ]);
  });

  it.each([
    ['/etc/passwd', 'absolute'],
    ['../outside.txt', '..'],
    ['a/../../b', '..'],
    ['a//b', 'empty'],
    ['./a', '.'],
    ['.git/config', '.git'],
    ['sub/.git/hooks/pre-commit', '.git'],
    ['a\\b', 'backslash'],
    ['bad\u0000name', 'control'],
    ['line\nbreak', 'control'],
    ['evil\u202Etxt.sh', 'bidirectional'],
    ['zero\u200Bwidth.ts', 'invisible'],
  ])('refuses the invalid path %j', (path, why) => {
    const result = evaluatePatch([add(path)], settings);
    expect(result).toEqual([{ path, rule: 'invalid-path', detail: expect.stringContaining(why) }]);
  });

  it('refuses the same path twice', () => {
    expect(rules([add('a.txt'), { path: 'a.txt', status: 'deleted' }])).toEqual([['a.txt', 'invalid-path']]);
  });

  it.each([
    ['link', '/etc/passwd', 'symlink-outside-repo'],
    ['link', '../../home', 'symlink-outside-repo'],
    ['dir/link', '../../x', 'symlink-outside-repo'],
    ['dir/link', '../.github/workflows/ci.yml', 'denied-path'],
  ])('checks where the symlink %s → %s points', (path, target, rule) => {
    expect(rules([add(path, target, '120000')])).toEqual([[path, rule]]);
  });

  it('quotes a symlink target so nothing in it renders in the comment', () => {
    const [violation] = evaluatePatch([add('link', '/@acme/security `x`', '120000')], settings);
    expect(violation?.detail).toBe("the symlink points outside the repository (`/@acme/security 'x'`)");
  });

  it('accepts a symlink inside the repository', () => {
    expect(rules([add('dir/link', '../README.md', '120000')])).toEqual([]);
  });

  it('refuses submodule changes', () => {
    expect(rules([add('vendor/lib', 'a'.repeat(40), '160000')])).toEqual([['vendor/lib', 'submodule']]);
  });

  it('refuses a file above the size limit', () => {
    expect(evaluatePatch([add('big.bin', Buffer.alloc(1001, 1))], settings)).toEqual([
      { path: 'big.bin', rule: 'file-too-large', detail: '1001 bytes; the limit is 1000' },
    ]);
  });

  it('refuses more files than allowed', () => {
    const many = Array.from({ length: 11 }, (_, i) => add(`f${i}.txt`));
    expect(rules(many)).toEqual([['(change)', 'too-many-files']]);
  });

  it('counts added and removed lines against the limit', () => {
    const previous = Buffer.from(Array.from({ length: 60 }, (_, i) => `old ${i}`).join('\n'));
    const next = Array.from({ length: 60 }, (_, i) => `new ${i}`).join('\n');
    const change: ChangeWithBase = {
      path: 'a.txt',
      status: 'modified',
      mode: '100644',
      content: b64(next),
      previous,
    };
    expect(rules([change])).toEqual([['(change)', 'too-many-lines']]);
  });

  it.each([
    ['GitHub token', `token = "ghp_${'a'.repeat(36)}"`],
    ['GitHub fine-grained token', `github_pat_${'A'.repeat(30)}`],
    ['AWS access key id', 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE'],
    ['AWS secret access key', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['Google API key', `key: AIza${'b'.repeat(35)}`],
    ['Anthropic API key', `ANTHROPIC_API_KEY=sk-ant-api03-${'c'.repeat(40)}`],
    ['OpenAI project key', `OPENAI_API_KEY=sk-proj-${'d'.repeat(48)}`],
    ['Slack token', 'xoxb-123456789012-abcdefghij'],
    ['Google OAuth client secret', `client_secret: GOCSPX-${'e'.repeat(28)}`],
    ['Hugging Face token', `HF_TOKEN=hf_${'f'.repeat(34)}`],
    ['GitLab token', `glpat-${'g'.repeat(20)}`],
    ['npm token', `//registry.npmjs.org/:_authToken=npm_${'h'.repeat(36)}`],
    ['Azure storage key', `DefaultEndpointsProtocol=https;AccountKey=${'i'.repeat(86)}==`],
    ['private key', '-----BEGIN PGP PRIVATE KEY BLOCK-----'],
    ['private key', '-----BEGIN ENCRYPTED PRIVATE KEY-----'],
    ['private key', '-----BEGIN RSA PRIVATE KEY-----'],
    ['private key', '-----BEGIN OPENSSH PRIVATE KEY-----'],
    ['private key', '-----BEGIN PRIVATE KEY-----'],
  ])('finds a %s in an added line without quoting it', (kind, line) => {
    const result = evaluatePatch([add('config.env', `${line}\n`)], settings);
    expect(result).toEqual([
      { path: 'config.env', rule: 'credential', detail: `an added line looks like a ${kind}` },
    ]);
    expect(JSON.stringify(result)).not.toContain(line.slice(-20));
  });

  it('does not flag a credential that was already in the file', () => {
    const line = `token = "ghp_${'a'.repeat(36)}"`;
    const change: ChangeWithBase = {
      path: 'a.txt',
      status: 'modified',
      mode: '100644',
      content: b64(`${line}\nnew line\n`),
      previous: Buffer.from(`${line}\n`),
    };
    expect(rules([change])).toEqual([]);
  });

  it('lists every violation of a change at once', () => {
    const result = rules([
      add('.github/workflows/x.yml'),
      add('CLAUDE.md'),
      add('k.pem', '-----BEGIN PRIVATE KEY-----'),
    ]);
    expect(result).toEqual([
      ['.github/workflows/x.yml', 'denied-path'],
      ['CLAUDE.md', 'denied-path'],
      ['k.pem', 'credential'],
    ]);
  });
});

describe('lineDelta', () => {
  it('counts lines as a multiset difference', () => {
    expect(lineDelta(Buffer.from('a\nb\nb\n'), Buffer.from('b\nc\nc\n'))).toEqual({
      added: ['c', 'c'],
      removed: 2,
    });
  });
});
