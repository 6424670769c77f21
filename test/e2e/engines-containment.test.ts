// Containment of the engine process, end to end: what its environment holds, and the wall-time
// limit taking down its whole process tree.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../support/stack.ts';

const REAL_KEY = 'sk-ant-real-key-that-must-not-reach-the-engine-7e41';
const TERMINAL = ['succeeded', 'no_changes', 'failed', 'cancelled', 'rejected', 'timed_out'];

// MODE=env dumps the environment into the change; MODE=sleep starts a child and sleeps past
// the limit, leaving its partial work and the child's pid in the checkout.
const AGENT_SCRIPT = `#!/usr/bin/env bash
set -euo pipefail
mode=$(grep -o 'MODE=[a-z]*' "$AGENT_PROMPT_FILE" | head -n 1 | cut -d= -f2 || true)
case "$mode" in
  env) env | sort > env.txt ;;
  sleep)
    echo "half done" > partial.txt
    sleep 600 &
    echo $! > child.pid
    sleep 600
    ;;
esac
`;

/** Running (not a zombie waiting for its reaper): from /proc, like the action's own check. */
function alive(pid: number): string | false {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? '';
    return state === 'Z' || state === 'X' ? false : stat;
  } catch {
    return false;
  }
}

describe('containment of the engine process', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      files: { 'agent.sh': AGENT_SCRIPT },
      // 3 seconds of wall time.
      agentConfig: { engine: 'command', command: 'bash ./agent.sh', limits: { 'timeout-minutes': 0.05 } },
    });
    // The key is in the environment's secrets, so the workflow hands it to the action.
    stack.sim.setEnvironment(stack.repo.fullName, 'agent', { secrets: { ANTHROPIC_API_KEY: REAL_KEY } });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  async function runTask(body: string) {
    const issue = await stack.issue('Containment');
    await stack.comment(issue, 'alice', body);
    const created = await stack.waitForTask((t) => t.issueNumber === issue, `a task on #${issue}`);
    const task = await stack.waitForTask(
      (t) => t.id === created.id && TERMINAL.includes(t.state),
      `task ${created.id} to end`,
      90_000,
    );
    await stack.settle();
    return task;
  }

  it('the engine environment has no OIDC request variables, no GitHub token and no model key', async () => {
    const task = await runTask('/agent MODE=env show me your environment');
    expect(task.state).toBe('succeeded');
    const env =
      (await stack.sim.git.readFile('acme/widgets', task.branch!, 'env.txt'))?.toString('utf8') ?? '';
    expect(env).toMatch(/^AGENT_TASK_ID=/m);
    expect(env).toMatch(/^PATH=/m);
    expect(env).not.toMatch(/^ACTIONS_ID_TOKEN_REQUEST_(URL|TOKEN)=/m);
    expect(env).not.toMatch(/^ACTIONS_RUNTIME_TOKEN=/m);
    expect(env).not.toMatch(/^GITHUB_TOKEN=/m);
    expect(env).not.toMatch(/^INPUT_/m);
    expect(env).not.toMatch(/^ANTHROPIC_API_KEY=/m);
    expect(env).not.toContain(REAL_KEY);
  }, 120_000);

  it('a command that sleeps past the wall-time limit is killed with its children; the task is timed_out', async () => {
    const task = await runTask('/agent MODE=sleep take your time');
    expect(task.state).toBe('timed_out');
    expect(task.errorMessage).toContain('stopped at the 0.05-minute limit');
    // The partial work is kept with the task (not published): it names the child's pid.
    const row = await stack.app.pool.query<{
      outcome: string;
      changes: { path: string; content?: string }[];
    }>('SELECT outcome, changes FROM task_results WHERE task_id = $1', [task.id]);
    expect(row.rows[0]?.outcome).toBe('timed_out');
    const changes = row.rows[0]?.changes ?? [];
    expect(changes.map((c) => c.path).sort()).toEqual(['child.pid', 'partial.txt']);
    const pid = Number(
      Buffer.from(changes.find((c) => c.path === 'child.pid')?.content ?? '', 'base64').toString(),
    );
    expect(pid).toBeGreaterThan(1);
    expect(alive(pid)).toBe(false);
    const pulls = (await stack.as('alice').pulls.list({ owner: 'acme', repo: 'widgets', state: 'all' })).data;
    expect(pulls.filter((p) => p.head.ref === task.branch)).toEqual([]);
    // The action said why it stopped the engine, and only then sent the result.
    const log = stack.sim
      .runs(stack.repo.fullName)
      .flatMap((r) => stack.sim.jobs(r.id))
      .map((job) => job.log)
      .find((text) => text.includes('take your time') || text.includes('did not finish within'));
    expect(log).toContain('The command did not finish within 0.05 minutes and was stopped.');
    expect(log!.indexOf('was stopped')).toBeLessThan(log!.indexOf('Sending the result to the App'));
  }, 120_000);
});
