// A review step of the open pull request (`pull-request: true`) end to end in the simulator: the
// change is published first, then the review step runs (handed the change) and its review is
// posted on the pull request as a pull request review — once, by the App, with the reviewer's
// untrusted text encoded — and the task is done.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_CONFIG, type Stack, startStack } from '../support/stack.ts';

// implement writes a file; review checks it was handed the change, and answers with text that
// would mention someone and break out of a code block if it were posted raw.
const AGENT_SCRIPT = `#!/usr/bin/env bash
set -euo pipefail
case "\${AGENT_STEP:-}" in
  implement) echo "hello" > hello.txt ;;
  review)
    if grep -q "hello" "$AGENT_HANDOFF_FILE"; then seen="the greeting"; else seen="nothing"; fi
    printf 'I saw %s. Ping @bob.\\n\`\`\`\\n<img src=x onerror=alert(1)>\\nVERDICT: changes\\n' "$seen" > "$AGENT_SUMMARY_FILE" ;;
esac
`;

const CONFIG = {
  ...COMMAND_CONFIG,
  pipelines: {
    checked: {
      steps: [
        { name: 'implement', handoff: 'diff' },
        { name: 'review', handoff: 'review', 'pull-request': true },
      ],
    },
  },
};

const TERMINAL = ['succeeded', 'failed', 'no_changes', 'cancelled', 'timed_out', 'rejected'];

describe('a review step of the open pull request', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      files: { 'agent.sh': AGENT_SCRIPT },
      agentConfig: CONFIG,
      users: { bob: 'write' },
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('publishes the change, then posts the review on the pull request once', async () => {
    const issue = await stack.issue('Checked greeting');
    await stack.comment(issue, 'alice', '/agent run checked add a greeting');
    const done = await stack.waitForTask(
      (t) => t.issueNumber === issue && TERMINAL.includes(t.state),
      'the checked pipeline to end',
      120_000,
    );
    await stack.settle();
    expect(done.state).toBe('succeeded');
    const steps = (
      await stack.app.pool.query(
        'SELECT name, round, state, verdict FROM task_steps WHERE task_id = $1 ORDER BY attempt',
        [done.id],
      )
    ).rows;
    expect(steps).toEqual([
      { name: 'implement', round: 1, state: 'done', verdict: null },
      { name: 'review', round: 1, state: 'done', verdict: 'changes' },
    ]);
    const alice = stack.as('alice');
    const repo = { owner: 'acme', repo: 'widgets' };
    const pr = (await alice.pulls.get({ ...repo, pull_number: done.prNumber! })).data;
    expect(pr.user?.login).toBe('agent-dispatch[bot]');
    // The pull request was opened before the review ran: its body has no review in it.
    expect(pr.body).not.toContain('Review by the step');
    const reviews = (await alice.pulls.listReviews({ ...repo, pull_number: pr.number })).data;
    expect(reviews).toHaveLength(1);
    const review = reviews[0]!;
    expect(review.user?.login).toBe('agent-dispatch[bot]');
    // COMMENT: GitHub refuses REQUEST_CHANGES from the pull request's author, which the App is.
    expect(review.state).toBe('COMMENTED');
    expect(review.commit_id).toBe(pr.head.sha);
    expect(review.body).toContain('asks for changes');
    expect(review.body).toContain('I saw the greeting.');
    // Encoded: the reviewer's text sits in a fence longer than any it holds (so `@bob` mentions
    // nobody and its own ``` closes nothing), and its HTML is gone.
    expect(review.body).toContain('````text\nI saw the greeting. Ping @bob.\n```\n');
    expect(review.body?.endsWith('\n````')).toBe(true);
    expect(review.body).not.toContain('<img');
    // Two runs: the implement step and the review; and one review effect in the ledger.
    expect(
      stack.sim.runs('acme/widgets').filter((r) => r.displayTitle === `agent task ${done.id}`),
    ).toHaveLength(2);
    const effects = await stack.app.pool.query('SELECT key FROM github_effects WHERE key LIKE $1', [
      `pr-review:${done.id}:%`,
    ]);
    expect(effects.rowCount).toBe(1);
    expect(await stack.events(done.id)).toContain('published');
    // GitHub tells the App of its own review (pull_request_review.submitted); the pull request's
    // outcome keeps what people decided, and nobody has reviewed it yet.
    await stack.settle();
    const outcome = await stack.app.pool.query('SELECT review_state FROM pr_outcomes WHERE pr_number = $1', [
      pr.number,
    ]);
    expect(outcome.rows.filter((row) => row.review_state !== null)).toEqual([]);
    // The sticky comment's checklist names the step and where its review went.
    const thread = (await alice.issues.listComments({ ...repo, issue_number: issue })).data;
    expect(thread.map((c) => c.body ?? '').join('\n')).toContain(
      '`review` (`command`, hands on review, posted on the pull request)',
    );

    // A crash after GitHub took the review but before it was recorded: the ledger row is left
    // started, the task still publishing, and the publish job runs again (a retry, or another
    // replica). It finds the review by its marker and posts nothing more.
    await stack.app.pool.query("UPDATE github_effects SET state = 'started', result = NULL WHERE key = $1", [
      `pr-review:${done.id}:${done.attempt}`,
    ]);
    await stack.app.pool.query("UPDATE tasks SET state = 'publishing' WHERE id = $1", [done.id]);
    await stack.app.pool.query("SELECT graphile_worker.add_job('publish-task', $1::json)", [
      JSON.stringify({ taskId: done.id, attempt: done.attempt }),
    ]);
    await stack.waitForTask((t) => t.id === done.id && t.state === 'succeeded', 'the task to succeed again');
    await stack.settle();
    expect((await alice.pulls.listReviews({ ...repo, pull_number: pr.number })).data).toHaveLength(1);
    const ledger = await stack.app.pool.query('SELECT state, result FROM github_effects WHERE key = $1', [
      `pr-review:${done.id}:${done.attempt}`,
    ]);
    expect(ledger.rows).toEqual([{ state: 'done', result: { id: review.id } }]);
  }, 180_000);
});
