// The built-in plan pipeline end to end in the simulator: `/agent plan` runs a read-only step
// (its change is discarded), posts the plan and waits; `/agent replan` makes a new plan that needs
// its own approval; `/agent approve` approves that plan's exact text, and the implement step's
// prompt holds it verbatim; an edit of the plan comment after approval is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTask } from '../../src/store/tasks.ts';
import { COMMAND_CONFIG, type Stack, startStack } from '../support/stack.ts';

// The plan step writes a file (to be discarded) and its plan as its summary; a plan written after
// feedback says so. The implement step makes the change.
const AGENT_SCRIPT = `#!/usr/bin/env bash
set -euo pipefail
if [ "\${AGENT_STEP:-}" = plan ]; then
  echo "not part of any change" > from-plan.txt
  if grep -q "Feedback on that plan" "$AGENT_PROMPT_FILE"; then
    printf '1. Add hello.txt saying hello.\\n2. Add bye.txt saying bye.\\n' > "$AGENT_SUMMARY_FILE"
  else
    printf '1. Add hello.txt saying hello.\\n' > "$AGENT_SUMMARY_FILE"
  fi
  exit 0
fi
echo "hello" > hello.txt
echo "bye" > bye.txt
`;
const SECOND_PLAN = '1. Add hello.txt saying hello.\n2. Add bye.txt saying bye.';

describe('plan → approve → implement', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ files: { 'agent.sh': AGENT_SCRIPT }, agentConfig: COMMAND_CONFIG });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  async function botComments(issue: number) {
    const all = (
      await stack.as('alice').issues.listComments({ owner: 'acme', repo: 'widgets', issue_number: issue })
    ).data;
    return all.filter((c) => c.user?.login === 'agent-dispatch[bot]');
  }

  it('waits on the plan, replans, implements exactly the approved plan, refuses an edit of it', async () => {
    const issue = await stack.issue('Greetings');
    await stack.comment(issue, 'alice', '/agent plan add greeting files');
    const waiting = await stack.waitForTask(
      (t) => t.issueNumber === issue && t.state === 'awaiting_plan_approval',
      'the first plan',
      60_000,
    );
    await stack.settle();
    expect(waiting.pipeline?.steps.map((s) => s.name)).toEqual(['plan', 'implement']);
    const firstPlan = (await botComments(issue)).filter((c) => c.body?.includes('Add hello.txt'));
    expect(firstPlan).toHaveLength(1);
    expect(firstPlan[0]!.body).not.toContain('bye.txt');

    // A new plan: the state waits again, and the old plan cannot be approved into implementing.
    await stack.comment(issue, 'alice', `/agent replan ${waiting.id} also say bye`);
    await stack.waitFor(
      async () => {
        const t = await getTask(stack.app.pool, waiting.id);
        return t && t.attempt > waiting.attempt && t.state === 'awaiting_plan_approval' ? t : undefined;
      },
      'the second plan',
      60_000,
    );
    await stack.settle();
    const plans = (await botComments(issue)).filter((c) => c.body?.includes('Add hello.txt'));
    expect(plans).toHaveLength(2);
    expect(plans[1]!.body).toContain('bye.txt');
    // Nothing was implemented yet: both runs were plan steps.
    expect(stack.sim.runs('acme/widgets')).toHaveLength(2);

    await stack.comment(issue, 'alice', `/agent approve ${waiting.id}`);
    const done = await stack.waitForTask(
      (t) => t.id === waiting.id && ['succeeded', 'failed', 'no_changes'].includes(t.state),
      'the implement step',
      60_000,
    );
    await stack.settle();
    expect(done.state).toBe('succeeded');
    // The implement step was told the approved plan, verbatim.
    expect(done.spec?.prompt).toContain(SECOND_PLAN);
    const approvals = await stack.app.pool.query(
      'SELECT sha256, approver_login, superseded_at FROM task_approvals WHERE task_id = $1',
      [done.id],
    );
    expect(approvals.rows).toHaveLength(1);
    expect(approvals.rows[0]).toMatchObject({ approver_login: 'alice', superseded_at: null });

    // The pull request has the implement step's change, not what the plan step wrote.
    const alice = stack.as('alice');
    const pr = (await alice.pulls.get({ owner: 'acme', repo: 'widgets', pull_number: done.prNumber! })).data;
    const exists = async (path: string) =>
      alice.repos.getContent({ owner: 'acme', repo: 'widgets', path, ref: pr.head.sha }).then(
        () => true,
        (error: { status?: number }) => (error.status === 404 ? false : Promise.reject(error)),
      );
    expect(await exists('hello.txt')).toBe(true);
    expect(await exists('bye.txt')).toBe(true);
    expect(await exists('from-plan.txt')).toBe(false);

    // The task history API shows the steps, what they handed on and the approval.
    const response = await fetch(`${stack.app.url}/api/v1/tasks/${done.id}`, {
      headers: { authorization: `Bearer ${stack.sim.appUserToken('alice', 'agent-dispatch')}` },
    });
    const raw = await response.text();
    expect({ status: response.status, raw: response.status === 200 ? '' : raw }).toEqual({
      status: 200,
      raw: '',
    });
    const detail = JSON.parse(raw) as {
      pipeline: {
        runs: { step: string; state: string; handoffText: string | null; handoffSha256: string | null }[];
        approvals: { sha256: string; approver: string; supersededAt: string | null }[];
      };
      events: { type: string }[];
    };
    expect(detail.pipeline.runs.map((r) => [r.step, r.state])).toEqual([
      ['plan', 'done'],
      ['plan', 'done'],
      ['implement', 'done'],
    ]);
    expect(detail.pipeline.runs[1]!.handoffText).toBe(SECOND_PLAN);
    expect(detail.pipeline.approvals).toEqual([
      {
        sha256: detail.pipeline.runs[1]!.handoffSha256,
        approver: 'alice',
        supersededAt: null,
        attempt: 2,
        via: 'comment',
        at: expect.any(String),
      },
    ]);
    expect(detail.events.map((e) => e.type)).toEqual(expect.arrayContaining(['replan', 'approve_plan']));

    // The sticky comment's checklist: both steps done, the plan approved with its hash.
    const sticky = (await botComments(issue)).find((c) => c.body?.includes(`agent-dispatch:task=${done.id}`));
    const short = detail.pipeline.approvals[0]!.sha256.slice(0, 12);
    expect(sticky?.body).toMatch(
      new RegExp(`- \\[x\\] \`plan\`.* · 2 runs — approved by @alice \\(SHA-256 \`${short}\`\\)`),
    );
    expect(sticky?.body).toMatch(/- \[x\] `implement`/);

    // Editing the approved plan's comment is refused: it is put back as the App wrote it.
    const planComment = plans[1]!;
    await stack.sim.editComment({
      commentId: planComment.id,
      user: 'alice',
      body: `${planComment.body}\n3. Also delete README.md.`,
    });
    await stack.settle();
    const after = (await botComments(issue)).find((c) => c.id === planComment.id);
    expect(after?.body).toBe(planComment.body);
    expect(await stack.events(done.id)).toContain('handoff_edit_refused');
  }, 240_000);
});
