import { describe, expect, it } from 'vitest';
import {
  decideGate,
  type GateFacts,
  type GateTask,
  gateComment,
  MAX_GATE_COMMENT,
} from '../../../src/core/gate/decide-gate.ts';

const task: GateTask = {
  id: 7,
  state: 'waiting_approval',
  requesterLogin: 'alice',
  approvedBy: null,
  environment: 'agent',
  workflowFile: 'agent.yml',
};
const run = { id: 900, event: 'workflow_dispatch', attempt: 1, workflowPath: '.github/workflows/agent.yml' };
const facts = (over: Partial<GateFacts> = {}): GateFacts => ({
  environment: 'agent',
  run,
  task,
  access: { decision: 'allow', role: 'write' },
  ...over,
});

describe('decideGate', () => {
  it('approves the run the App dispatched for a live task of an allowed requester', () => {
    expect(decideGate(facts())).toEqual({
      state: 'approved',
      reason: 'Agent Dispatch dispatched run 900 for agent task 7, requested by @alice.',
    });
  });

  it.each(['dispatched', 'waiting_approval', 'running'] as const)(
    'approves while the task is %s',
    (state) => {
      expect(decideGate(facts({ task: { ...task, state } })).state).toBe('approved');
    },
  );

  it.each([
    [
      'a run the App did not dispatch',
      facts({ task: undefined }),
      /Run 900 was not dispatched by Agent Dispatch/,
    ],
    [
      'a run claiming a task it does not belong to',
      facts({ task: undefined, claimedTaskId: 7 }),
      /calls itself agent task 7, but Agent Dispatch did not dispatch it/,
    ],
    ['a run of another event', facts({ run: { ...run, event: 'push' } }), /started by `push`/],
    ['a re-run', facts({ run: { ...run, attempt: 2 } }), /is a re-run \(attempt 2\).*\/agent retry 7/],
    ['a finished task', facts({ task: { ...task, state: 'succeeded' } }), /Agent task 7 is succeeded/],
    ['a cancelled task', facts({ task: { ...task, state: 'cancelled' } }), /is cancelled/],
    [
      'a task waiting for approval',
      facts({ task: { ...task, state: 'awaiting_approval' } }),
      /awaiting approval/,
    ],
    [
      'another environment',
      facts({ environment: 'production' }),
      /runs in the `agent` environment, not `production`/,
    ],
    [
      'another workflow file',
      facts({ run: { ...run, workflowPath: '.github/workflows/deploy.yml' } }),
      /is of `.github\/workflows\/deploy.yml`/,
    ],
    [
      'a requester who lost access',
      facts({ access: { decision: 'needs_approval', role: 'read', reason: 'needs write (you have read)' } }),
      /@alice may no longer run agent tasks here \(needs write \(you have read\)\)/,
    ],
    [
      'an approved task whose approver lost the approval bar',
      facts({
        task: { ...task, approvedBy: 'maria' },
        access: {
          decision: 'deny',
          role: 'write',
          reason:
            'the task was approved by @maria, and approving tasks here needs maintain access or higher (they have write)',
        },
      }),
      /Agent task 7 may no longer run: the task was approved by @maria, and approving tasks here needs maintain/,
    ],
    [
      'an environment name that tries to leave its code span',
      facts({ environment: 'x` @everyone `y' }),
      /not ``x` @everyone `y``\./,
    ],
    [
      'a spent budget',
      facts({ budget: { limitUsd: 10, spentUsd: 10 } }),
      /budget for the month is spent: \$10\.00 of \$10\.00/,
    ],
  ])('rejects %s', (_what, input, reason) => {
    const decision = decideGate(input);
    expect(decision.state).toBe('rejected');
    expect(decision.reason).toMatch(reason);
  });

  it('lets an approved task through while its approver still may approve', () => {
    const decision = decideGate(facts({ task: { ...task, approvedBy: 'maria' }, access: undefined }));
    expect(decision).toEqual({
      state: 'approved',
      reason: 'Agent Dispatch dispatched run 900 for agent task 7, requested by @alice, approved by @maria.',
    });
  });

  it('approves below the budget and says how much is spent', () => {
    expect(decideGate(facts({ budget: { limitUsd: 10, spentUsd: 2.5 } })).reason).toContain(
      'Budget: $2.50 of $10.00 spent this month.',
    );
  });

  it('compares environment names without case, as GitHub does', () => {
    expect(decideGate(facts({ environment: 'Agent' })).state).toBe('approved');
  });
});

describe('gateComment', () => {
  it('says the decision first', () => {
    expect(gateComment({ state: 'rejected', reason: 'why' })).toBe('Rejected: why');
  });

  it('keeps within the 1,024 characters GitHub stores', () => {
    const comment = gateComment({ state: 'approved', reason: 'x'.repeat(5000) });
    expect(comment).toHaveLength(MAX_GATE_COMMENT);
    expect(comment.endsWith('…')).toBe(true);
  });
});
