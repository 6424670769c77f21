// `deployment_protection_rule.requested`: the App, registered as the environment's custom
// deployment protection rule, approves or rejects a run before its job gets the environment's
// secrets. Facts are gathered here, the decision is decideGate's, and the answer is idempotent:
// answering a run GitHub no longer waits on (already answered, cancelled) changes nothing.

import { taskIdOfRunTitle } from '../../contract/run-title.ts';
import { decideStillAuthorized } from '../../core/access/decide-access.ts';
import { AppError, errorMessage } from '../../core/errors.ts';
import { decideGate, type GateDecision, type GateFacts, gateComment } from '../../core/gate/decide-gate.ts';
import { type GateRequest, gateRequestFrom } from '../../core/gate/gate-request.ts';
import { foreignRunRejected } from '../../core/render/notices.ts';
import type { Task } from '../../core/task/task.ts';
import type { Octokit } from '../../github/octokit.ts';
import { once } from '../../github/once.ts';
import { readVoucher } from '../../github/read-permission.ts';
import { doneEffect } from '../../store/effects.ts';
import { monthlySpendUsd } from '../../store/spend.ts';
import { appendTaskEvent } from '../../store/task-events.ts';
import { transitionTask } from '../../store/task-transitions.ts';
import { findTaskByRunId, getTask } from '../../store/tasks.ts';
import type { AppDeps } from '../app-deps.ts';
import { userBudgetOf } from '../dispatch/user-budget.ts';
import { replyOnce } from '../feedback/reply.ts';
import { RunNotRecordedYet } from './handle-run-event.ts';

type Json = Record<string, unknown>;

type RunInfo = { id: number; event: string; attempt: number; path: string; title: string; repoId: number };

async function readRun(octokit: Octokit, request: GateRequest): Promise<RunInfo | undefined> {
  try {
    const { data } = await octokit.rest.actions.getWorkflowRun({
      owner: request.repo.owner,
      repo: request.repo.name,
      run_id: request.runId,
    });
    return {
      id: data.id,
      event: data.event,
      attempt: data.run_attempt ?? 1,
      path: data.path,
      title: data.display_title,
      repoId: data.repository.id,
    };
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  }
}

/** The task this run belongs to, or the task its title claims; retries while a dispatch is unfinished. */
async function taskOfRun(
  deps: AppDeps,
  request: GateRequest,
  run: RunInfo,
): Promise<{ task?: Task; claimed?: Task }> {
  const task = await findTaskByRunId(deps.pool, run.id);
  if (task && task.repoId === request.repo.id) return { task };
  const claimedId = taskIdOfRunTitle(run.title);
  if (claimedId === undefined) return {};
  const claimed = await getTask(deps.pool, claimedId);
  if (!claimed || claimed.repoId !== request.repo.id) return {};
  // The App may be between its workflow_dispatch and storing the run id it got back.
  if (claimed.state === 'dispatched' && claimed.workflowRunId === null)
    throw new RunNotRecordedYet(`run ${run.id} of task ${claimed.id} is not recorded yet`);
  return { claimed };
}

async function gatherFacts(
  deps: AppDeps,
  octokit: Octokit,
  request: GateRequest,
  run: RunInfo,
): Promise<{ facts: GateFacts; task?: Task; claimed?: Task }> {
  const { task, claimed } = await taskOfRun(deps, request, run);
  const facts: GateFacts = {
    environment: request.environment,
    run: { id: run.id, event: run.event, attempt: run.attempt, workflowPath: run.path },
    claimedTaskId: claimed?.id,
  };
  if (!task) return { facts, claimed };
  facts.task = {
    id: task.id,
    state: task.state,
    requesterLogin: task.requesterLogin,
    approvedBy: task.approvedBy,
    environment: task.settings.environment,
    workflowFile: task.workflowFile ?? task.settings.workflow,
  };
  // Whoever vouches for the task (its approver, or its requester) must still be allowed to.
  const voucher = await readVoucher(octokit, task);
  facts.access = decideStillAuthorized(voucher, task.requesterId, task.settings);
  const limit = task.settings.budget?.['monthly-usd'];
  if (limit !== undefined)
    facts.budget = { limitUsd: limit, spentUsd: await monthlySpendUsd(deps.pool, task.repoId) };
  facts.userBudget = await userBudgetOf(deps.pool, task.settings, task.repoId, {
    id: task.requesterId,
    login: task.requesterLogin,
  });
  return { facts, task };
}

export type GateAnswer = { state: GateDecision['state']; reason: string; answer: 'sent' | 'not_pending' };

function answerKey(request: GateRequest): string {
  return `gate:${request.repo.id}:${request.runId}:${request.environment.toLowerCase()}`;
}

/** The answer already given to this run's request for this environment (a replayed delivery). */
async function previousAnswer(deps: AppDeps, request: GateRequest): Promise<GateAnswer | undefined> {
  return doneEffect<GateAnswer>(deps.pool, answerKey(request));
}

/**
 * Sends the review once and keeps it (decision and reason) as the record of what the App
 * answered. A run GitHub no longer waits on (422: answered already, cancelled) changes nothing.
 */
async function sendReview(
  deps: AppDeps,
  octokit: Octokit,
  request: GateRequest,
  decision: GateDecision,
): Promise<GateAnswer> {
  return once(deps.pool, answerKey(request), {
    find: async () => undefined,
    perform: async () => {
      const answer = { state: decision.state, reason: decision.reason };
      try {
        await octokit.request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule', {
          owner: request.repo.owner,
          repo: request.repo.name,
          run_id: request.runId,
          environment_name: request.environment,
          state: decision.state,
          comment: gateComment(decision),
        });
        return { ...answer, answer: 'sent' as const };
      } catch (error) {
        if ((error as { status?: number }).status === 422)
          return { ...answer, answer: 'not_pending' as const };
        throw error;
      }
    },
  });
}

export async function answerProtectionRule(deps: AppDeps, payload: Json): Promise<void> {
  if (payload.action !== 'requested') return;
  const request = gateRequestFrom(payload);
  if ('invalid' in request)
    throw new AppError('malformed_payload', { event: 'deployment_protection_rule', reason: request.invalid });
  const log = deps.log.child({ runId: request.runId, environment: request.environment });
  const previous = await previousAnswer(deps, request);
  if (previous) {
    log.info({ state: previous.state }, 'deployment protection rule already answered');
    return;
  }
  const octokit = deps.github.forRepo(request.installationId, request.repo.id, 'gate');
  const run = await readRun(octokit, request);
  if (!run || run.repoId !== request.repo.id) {
    log.warn('deployment protection rule request for a run that does not exist here');
    return;
  }
  const { facts, task, claimed } = await gatherFacts(deps, octokit, request, run);
  const decision = decideGate(facts);

  // Record the task's end before answering, so its status says why the run stopped.
  if (decision.state === 'rejected' && task) {
    await transitionTask(deps.pool, task.id, {
      type: 'reject',
      actor: 'agent-dispatch',
      onlyFrom: ['dispatched', 'waiting_approval'],
      payload: { runId: run.id, environment: request.environment, gate: 'protection_rule' },
      fields: {
        errorCode: 'gate_rejected',
        errorMessage: errorMessage('gate_rejected', {
          environment: request.environment,
          reason: decision.reason,
        }),
      },
    });
  }
  const sent = await sendReview(deps, octokit, request, decision);
  if (decision.state === 'approved' && task && sent.answer === 'sent') {
    await appendTaskEvent(deps.pool, task.id, {
      type: 'gate_approved',
      actor: 'agent-dispatch',
      payload: { runId: run.id, environment: request.environment },
    });
  }
  if (decision.state === 'rejected' && claimed && claimed.issueNumber !== null) {
    const respond = deps.github.forRepo(request.installationId, request.repo.id, 'respond');
    await replyOnce(
      deps.pool,
      respond,
      { owner: request.repo.owner, repo: request.repo.name, issueNumber: claimed.issueNumber },
      `gate:${run.id}`,
      foreignRunRejected(run.id, claimed.id, request.environment),
    );
  }
  log.info(
    {
      taskId: task?.id ?? claimed?.id,
      state: decision.state,
      answered: sent.answer,
      reason: decision.reason,
    },
    'deployment protection rule answered',
  );
}
