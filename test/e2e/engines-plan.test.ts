// The real Claude Code CLI (pinned) runs a plan step against the scripted model server: it is
// offered no tool that edits files, a write it tries changes nothing, and its final message is
// the plan the App posts and waits on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepRunsOf } from '../../src/store/task-steps.ts';
import { ensureClaudeCode } from '../sim/model/claude-code.ts';
import { type ScriptedModelServer, startScriptedModelServer } from '../sim/model/server.ts';
import { type Stack, startStack } from '../support/stack.ts';

const PLAN = '1. Add hello.txt with one line, hello.\n2. Mention it in the README.';

describe('claude-code plan step', () => {
  let model: ScriptedModelServer;
  let stack: Stack;
  beforeAll(async () => {
    model = await startScriptedModelServer({ usage: { input_tokens: 1000, output_tokens: 50 } });
    await ensureClaudeCode();
    stack = await startStack({ agentConfig: { engine: 'claude-code', model: 'claude-sonnet-4-5' } });
    stack.sim.setEnvironment(stack.repo.fullName, 'agent', {
      secrets: { ANTHROPIC_API_KEY: 'sk-ant-plan-step-key-0123456789' },
    });
    stack.sim.setVariable(stack.repo.fullName, 'ANTHROPIC_BASE_URL', model.anthropicBaseUrl);
  }, 600_000);
  afterAll(async () => {
    await stack?.stop();
    await model?.close();
  });

  it('plans without editing tools and waits on the plan', async () => {
    model.script([
      { tool_use: { name: 'Write', input: { file_path: 'hello.txt', content: 'hello\n' } } },
      { text: PLAN, stop: true },
    ]);
    const issue = await stack.issue('Say hello');
    await stack.comment(issue, 'alice', '/agent plan add hello.txt');
    const task = await stack.waitForTask(
      (t) => ['awaiting_plan_approval', 'failed', 'succeeded', 'no_changes'].includes(t.state),
      'the plan step to end',
      180_000,
    );
    await stack.settle();
    expect(task.state).toBe('awaiting_plan_approval');

    const agentCalls = model.requests.filter((r) => r.kind === 'agent');
    expect(agentCalls.length).toBeGreaterThan(0);
    for (const call of agentCalls) {
      const tools = ((call.body as { tools?: { name: string }[] }).tools ?? []).map((t) => t.name);
      expect(tools).not.toContain('Write');
      expect(tools).not.toContain('Edit');
    }
    const [run] = await stepRunsOf(stack.app.pool, task.id);
    expect(run).toMatchObject({ name: 'plan', state: 'done', handoffText: PLAN });
    const comments = (
      await stack.as('alice').issues.listComments({ owner: 'acme', repo: 'widgets', issue_number: issue })
    ).data.map((c) => c.body ?? '');
    expect(comments.some((b) => b.includes('Mention it in the README.'))).toBe(true);
    // The plan step opened no branch and no pull request.
    expect(task.prNumber).toBeNull();
  }, 300_000);
});
