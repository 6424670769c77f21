// Whether the App, as the environment's custom deployment protection rule, lets a workflow run
// reach the environment (and its secrets). Pure: the caller gathers the facts. Only a run the App
// dispatched itself, for a live task whose requester is still allowed, within the repository's
// budget, is approved; everything else is rejected with a reason people can act on.
import type { AccessDecision } from '../access/decide-access.ts';
import { decideUserBudget, type UserBudget } from '../budget/decide-budget.ts';
import { encode } from '../render/encode.ts';
import { JOB_LIVE_STATES } from '../run/runner-rules.ts';
import type { TaskState } from '../task/task-states.ts';

/** Task states in which the task's own run may still start a job. */
export const GATE_LIVE_STATES = JOB_LIVE_STATES;

export type GateRun = {
  id: number;
  event: string;
  attempt: number;
  /** `.github/workflows/agent.yml` */
  workflowPath: string;
};

export type GateTask = {
  id: number;
  state: TaskState;
  requesterLogin: string;
  approvedBy: string | null;
  environment: string;
  workflowFile: string;
};

export type GateFacts = {
  environment: string;
  run: GateRun;
  /** The task whose recorded run is this run, if any. */
  task?: GateTask | undefined;
  /** A task the run's title names although the run is not that task's run (a hand-made dispatch). */
  claimedTaskId?: number | undefined;
  /** Whether whoever vouches for the task (its approver, or its requester) still may. */
  access?: AccessDecision | undefined;
  budget?: { limitUsd: number; spentUsd: number } | undefined;
  /** The requester's own monthly budget in the repository (`budget.per-user-monthly-usd`). */
  userBudget?: UserBudget | undefined;
  now?: Date;
};

export type GateDecision = {
  state: 'approved' | 'rejected';
  /** Why, for people: the review comment on the run (at most 1,024 characters) and replies. */
  reason: string;
};

/** GitHub keeps at most 1,024 characters of a protection rule's comment. */
export const MAX_GATE_COMMENT = 1024;

function usd(value: number): string {
  return `$${value.toFixed(2)}`;
}

function reject(reason: string): GateDecision {
  return { state: 'rejected', reason };
}

export function decideGate(facts: GateFacts): GateDecision {
  const { run, task } = facts;
  // Names chosen by whoever set up the repository or pushed a workflow: shown as code.
  const environment = encode(facts.environment, 'span');
  if (!task) {
    return reject(
      facts.claimedTaskId !== undefined
        ? `Run ${run.id} calls itself agent task ${facts.claimedTaskId}, but Agent Dispatch did not dispatch it for that task. Only the run the App dispatches for an approved task may use the ${environment} environment.`
        : `Run ${run.id} was not dispatched by Agent Dispatch. Only runs the App dispatches for an approved \`/agent\` task may use the ${environment} environment; start a task with an \`/agent\` comment instead.`,
    );
  }
  if (run.event !== 'workflow_dispatch') {
    return reject(
      `Run ${run.id} was started by ${encode(run.event, 'span')}; only the App's workflow_dispatch may use it.`,
    );
  }
  if (run.attempt !== 1) {
    return reject(
      `Run ${run.id} is a re-run (attempt ${run.attempt}) of agent task ${task.id}'s run. Re-runs cannot use the ${environment} environment; comment \`/agent retry ${task.id}\` for a new attempt.`,
    );
  }
  if (!(GATE_LIVE_STATES as readonly TaskState[]).includes(task.state)) {
    return reject(
      `Agent task ${task.id} is ${task.state.replace(/_/g, ' ')}; its run cannot start the agent any more.`,
    );
  }
  if (facts.environment.toLowerCase() !== task.environment.toLowerCase()) {
    return reject(
      `Agent task ${task.id} runs in the ${encode(task.environment, 'span')} environment, not ${environment}.`,
    );
  }
  const expectedPath = `.github/workflows/${task.workflowFile}`;
  if (run.workflowPath !== expectedPath) {
    return reject(
      `Run ${run.id} is of ${encode(run.workflowPath, 'span')}, not the task's ${encode(expectedPath, 'span')}.`,
    );
  }
  if (facts.access && facts.access.decision !== 'allow') {
    return reject(
      task.approvedBy
        ? `Agent task ${task.id} may no longer run: ${facts.access.reason}. It was stopped; someone who may approve tasks here can run it again.`
        : `@${task.requesterLogin} may no longer run agent tasks here (${facts.access.reason}); agent task ${task.id} was stopped. Someone with write access can run it again.`,
    );
  }
  if (facts.budget && facts.budget.spentUsd >= facts.budget.limitUsd) {
    return reject(
      `This repository's agent budget for the month is spent: ${usd(facts.budget.spentUsd)} of ${usd(facts.budget.limitUsd)} (\`budget.monthly-usd\` in \`.github/agent.yml\`). Agent task ${task.id} was stopped.`,
    );
  }
  const userRefusal = decideUserBudget(facts.userBudget, facts.now ?? new Date());
  if (userRefusal) return reject(`${userRefusal.message} Agent task ${task.id} was stopped.`);
  const vouched = task.approvedBy ? `, approved by @${task.approvedBy}` : '';
  const budget = facts.budget
    ? ` Budget: ${usd(facts.budget.spentUsd)} of ${usd(facts.budget.limitUsd)} spent this month.`
    : '';
  return {
    state: 'approved',
    reason: `Agent Dispatch dispatched run ${run.id} for agent task ${task.id}, requested by @${task.requesterLogin}${vouched}.${budget}`,
  };
}

/** The comment sent with the review, within GitHub's limit. */
export function gateComment(decision: GateDecision): string {
  const text = `${decision.state === 'approved' ? 'Approved' : 'Rejected'}: ${decision.reason}`;
  return text.length <= MAX_GATE_COMMENT ? text : `${text.slice(0, MAX_GATE_COMMENT - 1)}…`;
}
