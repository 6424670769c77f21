// `/agent cancel|retry|approve|reject [task]`: find the task on the thread and act on it through
// the shared flow (act-on-task.ts, also the API's). The sticky comment shows the result; only
// refusals get a reply. A bare approve or reject with more than one task waiting on the thread is
// refused as ambiguous, naming them.

import type { Command } from '../../core/command/parse-command.ts';
import { errorMessage } from '../../core/errors.ts';
import type { RepoConfig } from '../../core/repo-config/schema.ts';
import type { Task } from '../../core/task/task.ts';
import { isTerminal, RETRYABLE_STATES, TASK_STATES, type TaskState } from '../../core/task/task-states.ts';
import type { Octokit } from '../../github/octokit.ts';
import type { Logger } from '../../platform/logging/create-logger.ts';
import { getTask, tasksOfIssue } from '../../store/tasks.ts';
import type { AppDeps } from '../app-deps.ts';
import { actOnTask } from './act-on-task.ts';
import type { CommandSource } from './command-source.ts';

type ManageCommand = Extract<Command, { kind: 'cancel' | 'retry' | 'approve' | 'reject' | 'replan' }>;

export type ManageTaskInput = {
  source: CommandSource;
  octokit: Octokit;
  /** The repository's configuration now (its trigger rule decides who may approve). */
  config: RepoConfig;
  command: ManageCommand;
  reply: (body: string) => Promise<void>;
  log: Logger;
};

/** Which tasks each subcommand acts on when no task number is given. */
const TARGET_STATES: Record<ManageCommand['kind'], readonly TaskState[]> = {
  cancel: TASK_STATES.filter((s) => !isTerminal(s)),
  retry: RETRYABLE_STATES,
  approve: ['awaiting_approval', 'awaiting_plan_approval'],
  reject: ['awaiting_approval', 'awaiting_plan_approval'],
  replan: ['awaiting_plan_approval'],
};

const DESCRIPTIONS: Record<ManageCommand['kind'], string> = {
  cancel: 'task that is still running or waiting',
  retry: 'failed, cancelled or timed-out task',
  approve: 'task waiting for approval',
  reject: 'task waiting for approval',
  replan: 'task waiting for approval of its plan',
};

/** Subcommands that must name their task when more than one could be meant. */
const NEEDS_ONE: readonly ManageCommand['kind'][] = ['approve', 'reject', 'replan'];

type Target = { task?: Task; ambiguous?: number[] };

async function findTarget(deps: AppDeps, source: CommandSource, command: ManageCommand): Promise<Target> {
  if (command.taskId !== undefined) {
    const task = await getTask(deps.pool, command.taskId);
    return task && task.repoId === source.repo.id ? { task } : {};
  }
  const tasks = await tasksOfIssue(deps.pool, source.repo.id, source.issue.number);
  const candidates = tasks.reverse().filter((t) => TARGET_STATES[command.kind].includes(t.state));
  if (candidates.length > 1 && NEEDS_ONE.includes(command.kind))
    return { ambiguous: candidates.map((t) => t.id).reverse() };
  return candidates[0] ? { task: candidates[0] } : {};
}

export async function manageTask(deps: AppDeps, input: ManageTaskInput): Promise<void> {
  const { source, octokit, command, reply } = input;
  const target = await findTarget(deps, source, command);
  if (target.ambiguous) {
    await reply(errorMessage('ambiguous_task', { action: command.kind, taskIds: target.ambiguous }));
    return;
  }
  const task = target.task;
  if (!task) {
    await reply(errorMessage('task_not_found', { taskId: command.taskId, what: DESCRIPTIONS[command.kind] }));
    return;
  }
  const outcome = await actOnTask(
    { ...deps, log: input.log },
    {
      task,
      action: command.kind,
      actor: source.sender,
      octokit,
      repo: source.repo,
      reason: 'reason' in command ? command.reason : 'feedback' in command ? command.feedback : undefined,
      via: 'comment',
      config: input.config,
      writtenAt: new Date(source.comment.createdAt),
    },
  );
  if (outcome.ok || (outcome.refused === 'access' && outcome.silent)) return;
  if (outcome.refused === 'changed') {
    if (outcome.message) await reply(outcome.message);
    return;
  }
  await reply(
    errorMessage('cannot_manage', { action: `${command.kind} task ${task.id}`, reason: outcome.reason }),
  );
}
