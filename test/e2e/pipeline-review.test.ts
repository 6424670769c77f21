// Named pipelines end to end in the simulator: a review step whose fix loop stops at
// `max-rounds` (the change is then proposed with its last review), and a failed step that ends
// the pipeline with its reason, after which `/agent retry` resumes at that step with the earlier
// handoffs.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTask } from '../../src/store/tasks.ts';
import { COMMAND_CONFIG, type Stack, startStack } from '../support/stack.ts';

const flagDir = mkdtempSync(path.join(tmpdir(), 'pipeline-retry-'));
// The engine runs as a user of its own where the action can arrange it (as root here): it must
// be able to leave its mark.
chmodSync(flagDir, 0o777);
const FLAG = path.join(flagDir, 'failed-once');

// implement: writes the round into hello.txt (the fix round sees the review in its handoffs);
// review: always asks for changes; summarize: hands on a summary; build: fails its first run.
const AGENT_SCRIPT = `#!/usr/bin/env bash
set -euo pipefail
case "\${AGENT_STEP:-}" in
  implement)
    if grep -q "Rename the greeting" "$AGENT_HANDOFF_FILE"; then echo "hello, round $AGENT_STEP_ROUND" > hello.txt
    else echo "hello" > hello.txt; fi ;;
  review) printf 'Rename the greeting.\\nVERDICT: changes\\n' > "$AGENT_SUMMARY_FILE" ;;
  summarize) printf 'The repository has a README only.\\n' > "$AGENT_SUMMARY_FILE" ;;
  build)
    if [ ! -e "${FLAG}" ]; then touch "${FLAG}"; echo "build broke" >&2; exit 3; fi
    echo "built" > built.txt ;;
esac
`;

const CONFIG = {
  ...COMMAND_CONFIG,
  pipelines: {
    reviewed: {
      steps: [
        { name: 'implement', handoff: 'diff' },
        { name: 'review', handoff: 'review', 'max-rounds': 2 },
      ],
    },
    fragile: {
      steps: [
        { name: 'summarize', handoff: 'summary' },
        { name: 'build', handoff: 'diff' },
      ],
    },
  },
};

const TERMINAL = ['succeeded', 'failed', 'no_changes', 'cancelled', 'timed_out', 'rejected'];

describe('named pipelines', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ files: { 'agent.sh': AGENT_SCRIPT }, agentConfig: CONFIG });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    rmSync(flagDir, { recursive: true, force: true });
  });

  const steps = async (taskId: number) =>
    (
      await stack.app.pool.query(
        'SELECT name, round, state, verdict FROM task_steps WHERE task_id = $1 ORDER BY attempt',
        [taskId],
      )
    ).rows;

  it('stops the review loop at max-rounds and proposes the change with its last review', async () => {
    const issue = await stack.issue('Reviewed greeting');
    await stack.comment(issue, 'alice', '/agent run reviewed add a greeting');
    const done = await stack.waitForTask(
      (t) => t.issueNumber === issue && TERMINAL.includes(t.state),
      'the reviewed pipeline to end',
      120_000,
    );
    await stack.settle();
    expect(done.state).toBe('succeeded');
    expect(await steps(done.id)).toEqual([
      { name: 'implement', round: 1, state: 'done', verdict: null },
      { name: 'review', round: 1, state: 'done', verdict: 'changes' },
      { name: 'implement', round: 2, state: 'done', verdict: null },
      { name: 'review', round: 2, state: 'done', verdict: 'changes' },
    ]);
    // Four runs, no fifth: the loop is bounded.
    expect(
      stack.sim.runs('acme/widgets').filter((r) => r.displayTitle === `agent task ${done.id}`),
    ).toHaveLength(4);
    const alice = stack.as('alice');
    const pr = (await alice.pulls.get({ owner: 'acme', repo: 'widgets', pull_number: done.prNumber! })).data;
    const file = (
      await alice.repos.getContent({ owner: 'acme', repo: 'widgets', path: 'hello.txt', ref: pr.head.sha })
    ).data as { content: string };
    expect(Buffer.from(file.content, 'base64').toString()).toBe('hello, round 2\n');
    expect(pr.body).toContain('still asked for changes after 2 rounds');
    expect(pr.body).toContain('> Rename the greeting.');
  }, 180_000);

  it('ends with the failed step, and retry resumes there with the earlier handoff', async () => {
    const issue = await stack.issue('Fragile build');
    await stack.comment(issue, 'alice', '/agent run fragile build it');
    const failed = await stack.waitForTask(
      (t) => t.issueNumber === issue && TERMINAL.includes(t.state),
      'the fragile pipeline to end',
      120_000,
    );
    await stack.settle();
    expect(failed.state).toBe('failed');
    expect(await steps(failed.id)).toEqual([
      { name: 'summarize', round: 1, state: 'done', verdict: null },
      { name: 'build', round: 1, state: 'failed', verdict: null },
    ]);

    await stack.comment(issue, 'alice', `/agent retry ${failed.id}`);
    const done = await stack.waitForTask(
      (t) => t.id === failed.id && t.attempt > failed.attempt && TERMINAL.includes(t.state),
      'the retried pipeline to end',
      120_000,
    );
    await stack.settle();
    expect(done.state).toBe('succeeded');
    // summarize did not run again; build was given its summary.
    expect((await steps(done.id)).map((s) => s.name)).toEqual(['summarize', 'build', 'build']);
    const task = await getTask(stack.app.pool, done.id);
    expect(task?.spec?.prompt).toContain('The repository has a README only.');
  }, 240_000);
});
