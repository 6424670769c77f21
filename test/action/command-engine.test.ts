import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionError } from '../../action/src/action-error.ts';
import { commandEngine, MAX_PROMPT_ENV_BYTES } from '../../action/src/engines/command-engine.ts';
import type { EngineContext } from '../../action/src/engines/engine.ts';
import { notIsolated } from '../../action/src/isolation/engine-sandbox.ts';
import { parseTaskSpec } from '../../action/src/runner-api/task-spec.ts';
import { type TempDir, tempDir } from './support/git-repo.ts';
import { specFor } from './support/runner-api-peer.ts';

let tmp: TempDir;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

function context(command: string | null, prompt = 'do it') {
  const warnings: string[] = [];
  const output: string[] = [];
  const spec = parseTaskSpec(
    {
      ...specFor(42, 'd'.repeat(40), { prompt }),
      engine: { name: 'command', command, model: 'm1', version: null },
    },
    42,
  );
  const ctx: EngineContext = {
    spec,
    workingDirectory: tmp.path,
    tempDir: tmp.path,
    sandbox: notIsolated(tmp.path, 'a unit test'),
    environment: { PATH: process.env.PATH ?? '' },
    timeoutMs: 60_000,
    graceMs: 500,
    log: { info() {}, warning: (m) => warnings.push(m), error() {}, mask() {}, group() {}, endGroup() {} },
    output: { stdout: (c) => output.push(c.toString()), stderr: (c) => output.push(c.toString()) },
    reportProgress() {},
    jobEnvironment: {},
    modelAccess: null,
  };
  return { ctx, warnings, output };
}

describe('the command engine', () => {
  it('passes task id, model and limits as AGENT_* variables', async () => {
    const { ctx } = context('env | grep ^AGENT_ | grep -v ^AGENT_PROMPT= | sort > vars.txt');
    const engine = commandEngine();
    await engine.prepare(ctx);
    await engine.run(ctx);
    const vars = readFileSync(join(tmp.path, 'vars.txt'), 'utf8');
    expect(vars).toContain('AGENT_TASK_ID=42\n');
    expect(vars).toContain('AGENT_MODEL=m1\n');
    expect(vars).toContain('AGENT_MAX_TURNS=50\n');
    expect(vars).toContain('AGENT_MAX_COST_USD=5\n');
    expect(vars).toContain(`AGENT_PROMPT_FILE=${join(tmp.path, 'prompt.md')}\n`);
  });

  it('hands a prompt too large for the environment over by file only', async () => {
    const prompt = 'x'.repeat(MAX_PROMPT_ENV_BYTES + 1);
    const { ctx, warnings } = context(
      'if [ -z "$AGENT_PROMPT" ]; then echo unset; fi > env.txt; wc -c < "$AGENT_PROMPT_FILE" > size.txt',
      prompt,
    );
    const engine = commandEngine();
    await engine.prepare(ctx);
    const result = await engine.run(ctx);
    expect(result.exitCode).toBe(0);
    expect(readFileSync(join(tmp.path, 'env.txt'), 'utf8')).toBe('unset\n');
    expect(Number(readFileSync(join(tmp.path, 'size.txt'), 'utf8'))).toBe(prompt.length);
    expect(warnings.join()).toContain('AGENT_PROMPT is not set');
  });

  it('refuses to prepare without a command from the repository config', async () => {
    const { ctx } = context(null);
    const error = await commandEngine()
      .prepare(ctx)
      .catch((e: unknown) => e);
    expect((error as ActionError).code).toBe('engine-failed');
    expect((error as Error).message).toContain('engine.command');
  });

  it('ignores a usage file that is not a JSON object of non-negative numbers, with a warning', async () => {
    const { ctx, warnings } = context('echo \'{"turns": -1}\' > "$AGENT_USAGE_FILE"');
    const engine = commandEngine();
    await engine.prepare(ctx);
    expect((await engine.run(ctx)).usage).toBeNull();
    expect(warnings.join()).toContain('AGENT_USAGE_FILE');
  });

  it.each([
    ['{"turns":2,"costUsd":0.5}', { turns: 2, inputTokens: null, outputTokens: null, costUsd: 0.5 }],
    ['{}', { turns: null, inputTokens: null, outputTokens: null, costUsd: null }],
    ['[1]', null],
    ['{"turns":"2"}', null],
    ['not json', null],
  ])('reads usage %s', (raw, usage) => {
    expect(commandEngine().parseUsage(raw)).toEqual(usage);
  });

  it('reports a command ended by a signal as failed', async () => {
    const { ctx } = context('kill -TERM $$');
    const engine = commandEngine();
    await engine.prepare(ctx);
    const result = await engine.run(ctx);
    expect(result).toMatchObject({
      exitCode: null,
      timedOut: false,
      error: 'The command was ended by SIGTERM.',
    });
  });
});
