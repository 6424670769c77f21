import { describe, expect, it } from 'vitest';
import { deepMerge } from '../../../src/core/repo-config/merge.ts';
import { allowedEngines, parseRepoConfig } from '../../../src/core/repo-config/schema.ts';

describe('parseRepoConfig', () => {
  it('fills every default from an empty file', () => {
    const result = parseRepoConfig(null);
    expect(result.ok && result.config).toMatchObject({
      engine: 'claude-code',
      workflow: 'agent.yml',
      environment: 'agent',
      concurrency: 2,
      'rate-limit': { 'per-user-per-hour': 10 },
      trigger: { 'min-permission': 'write', users: [], 'below-permission': 'approval' },
      'pull-request': { draft: false, labels: ['agent'], 'request-review': true },
      'engine-isolation': 'preferred',
    });
    expect(result.ok && allowedEngines(result.config)).toEqual(['claude-code']);
  });

  it.each([
    [{ engine: 'gpt' }, 'engine', /must be one of claude-code, codex, gemini, command/],
    [{ concurrency: 'two' }, 'concurrency', /must be a number/],
    [
      { 'rate-limit': { 'per-user-per-hour': 10000 } },
      'rate-limit.per-user-per-hour',
      /^must be at most 1000$/,
    ],
    [{ concurrency: 1.5 }, 'concurrency', /^must be a whole number$/],
    [{ budget: { 'monthly-usd': 0 } }, 'budget.monthly-usd', /^must be more than 0$/],
    [{ budget: { 'monthly-usd': 2e6 } }, 'budget.monthly-usd', /^must be at most 1000000$/],
    [{ limits: { 'max-files': 0 } }, 'limits.max-files', /./],
    [{ workflow: '../x.yml' }, 'workflow', /file name in .github\/workflows/],
    [{ 'branch-prefix': 'a/../b' }, 'branch-prefix', /./],
    [{ trigger: { 'min-permission': 'read' } }, 'trigger.min-permission', /write, maintain or admin/],
    [{ colour: 'blue' }, '(top level)', /unknown field\(s\): colour/],
    [{ limits: { 'max-filez': 3 } }, 'limits', /unknown field\(s\): max-filez/],
    [{ engine: 'command' }, 'command', /required when the command engine/],
    [{ engine: 'codex', engines: ['claude-code'] }, 'engines', /must include the default engine codex/],
    [{ 'engine-isolation': 'always' }, 'engine-isolation', /must be preferred or required/],
  ])('points at the field of %j', (raw, field, message) => {
    const result = parseRepoConfig(raw);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues).toContainEqual({ field, message: expect.stringMatching(message) });
  });

  it('keeps engine-isolation: required', () => {
    const result = parseRepoConfig({ 'engine-isolation': 'required' });
    expect(result.ok && result.config['engine-isolation']).toBe('required');
  });

  it('reports several problems at once', () => {
    const result = parseRepoConfig({ engine: 'x', concurrency: 0 });
    expect(!result.ok && result.issues.map((i) => i.field).sort()).toEqual(['concurrency', 'engine']);
  });
});

describe('deepMerge', () => {
  it('lets later files win key by key and replaces arrays', () => {
    const org = {
      engine: 'codex',
      limits: { 'max-files': 10, 'max-lines': 100 },
      engines: ['codex', 'gemini'],
    };
    const repo = { limits: { 'max-files': 20 }, engines: ['codex'] };
    expect(deepMerge(org, repo)).toEqual({
      engine: 'codex',
      limits: { 'max-files': 20, 'max-lines': 100 },
      engines: ['codex'],
    });
  });
});

describe('JSON Schema export', () => {
  it('matches the committed docs/agent-config.schema.json (run `npm run schema` after changing the schema)', async () => {
    const { readFileSync } = await import('node:fs');
    const { JSON_SCHEMA_PATH, repoConfigJsonSchema } = await import(
      '../../../src/core/repo-config/json-schema.ts'
    );
    expect(readFileSync(JSON_SCHEMA_PATH, 'utf8')).toBe(repoConfigJsonSchema());
  });

  it('accepts a typical file and rejects an unknown engine, like the zod schema', async () => {
    const { Ajv2020 } = await import('ajv/dist/2020.js');
    const { repoConfigJsonSchema } = await import('../../../src/core/repo-config/json-schema.ts');
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(repoConfigJsonSchema()));
    expect(validate({ engine: 'codex', engines: ['codex'], limits: { 'max-files': 10 } })).toBe(true);
    expect(validate({ engine: 'gpt' })).toBe(false);
  });
});
