// Containment of the engine process, end to end: what its environment holds, what it can reach
// on the runner as the user of its own it runs as (the simulated runner runs the action as root,
// as CI does, so the action can make that user), and the wall-time limit taking down its whole
// process tree.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../support/stack.ts';

const REAL_KEY = 'sk-ant-real-key-that-must-not-reach-the-engine-7e41';
const TERMINAL = ['succeeded', 'no_changes', 'failed', 'cancelled', 'rejected', 'timed_out'];

// MODE=env dumps the environment into the change; MODE=steal tries to take the job's
// credentials and use them, and reports what it got in the change; MODE=sleep starts a child and
// sleeps past the limit, leaving its partial work and the child's pid in the checkout.
const AGENT_SCRIPT = `#!/usr/bin/env bash
set -euo pipefail
mode=$(grep -o 'MODE=[a-z]*' "$AGENT_PROMPT_FILE" | head -n 1 | cut -d= -f2 || true)
word() { grep -o "$1=[^ ]*" "$AGENT_PROMPT_FILE" | head -n 1 | cut -d= -f2-; }
status() { # METHOD URL [HEADER]: the HTTP status line, over bash's /dev/tcp
  local rest=\${2#http://}
  local host=\${rest%%/*}
  exec 3<>/dev/tcp/\${host%:*}/\${host#*:}
  printf '%s /%s HTTP/1.0\\r\\nHost: %s\\r\\n%s\\r\\nContent-Length: 2\\r\\n\\r\\n{}' "$1" "\${rest#*/}" "$host" "\${3:-X-None: 1}" >&3
  head -n 1 <&3 | tr -d '\\r'
  exec 3>&-
}
case "$mode" in
  env) env | sort > env.txt ;;
  steal)
    {
      echo "parent-environ=$(cat /proc/$PPID/environ > /dev/null 2>&1 && echo read || echo denied)"
      echo "environ-hits=$(for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < "$f" 2>/dev/null || true; done | grep -c -e '^ACTIONS_ID_TOKEN_REQUEST_TOKEN=' -e "$(word YEK | rev)" || true)"
      echo "token=$(status GET "$(word TOKENURL)&audience=$(word APP)")"
      echo "forged-token=$(status GET "$(word TOKENURL)&audience=$(word APP)" 'Authorization: Bearer forged')"
      echo "own-result=$(status POST "$(word APP)/api/runner/v1/tasks/$AGENT_TASK_ID/result")"
      echo "sudo=$(sudo -n true > /dev/null 2>&1 && echo root || echo refused)"
      echo "uid=$(id -u)"
    } > steal.txt
    ;;
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
      // Isolation required: the simulated runner runs the action as root, so it can isolate.
      agentConfig: {
        engine: 'command',
        command: 'bash ./agent.sh',
        'engine-isolation': 'required',
        limits: { 'timeout-minutes': 0.05 },
      },
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

  it("an engine that tries to take the job's credentials gets none, and cannot post a result of its own", async () => {
    const tokenUrl = `${stack.sim.url}/_oidc/token?api-version=2.0`;
    // The key is in the prompt reversed, so that the prompt itself (in AGENT_PROMPT) does not hold it.
    const yek = [...REAL_KEY].reverse().join('');
    const task = await runTask(
      `/agent MODE=steal YEK=${yek} TOKENURL=${tokenUrl} APP=${stack.app.url} look around`,
    );
    expect(task.state).toBe('succeeded');
    const found = Object.fromEntries(
      ((await stack.sim.git.readFile('acme/widgets', task.branch!, 'steal.txt'))?.toString('utf8') ?? '')
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(found, JSON.stringify(found)).toMatchObject({
      'parent-environ': 'denied',
      'environ-hits': '0',
      token: 'HTTP/1.1 401 Unauthorized',
      'forged-token': 'HTTP/1.1 401 Unauthorized',
      'own-result': 'HTTP/1.1 401 Unauthorized',
      sudo: 'refused',
    });
    expect(Number(found.uid)).toBeGreaterThan(0);
    // The App recorded one result for the task: the action's.
    const results = await stack.app.pool.query('SELECT outcome FROM task_results WHERE task_id = $1', [
      task.id,
    ]);
    expect(results.rows).toEqual([{ outcome: 'completed' }]);
    const log = stack.sim
      .runs(stack.repo.fullName)
      .flatMap((r) => stack.sim.jobs(r.id))
      .map((job) => job.log)
      .find((text) => text.includes(`Agent Dispatch task ${task.id} `));
    expect(log).toMatch(
      /The engine runs as agent-dispatch-[0-9a-f]{8} \(uid \d+\), a user made for this run/,
    );
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
