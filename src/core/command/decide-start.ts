// Whether an `/agent <task>` request becomes a task, and in which state. Pure: the flow gathers
// the facts (the repository's config, the commenter's permission, whether the pull request comes
// from a fork) and performs the answer.
import {
  type Actor,
  atLeast,
  decideRunAccess,
  type RepoPermission,
  roleOf,
} from '../access/decide-access.ts';
import { AppError } from '../errors.ts';
import { allowedEngines, type RepoConfig } from '../repo-config/schema.ts';
import type { Command } from './parse-command.ts';

export type StartFacts = {
  command: Extract<Command, { kind: 'run' }>;
  config: RepoConfig;
  sender: Actor;
  permission: RepoPermission | null;
  /** The command is on a pull request whose head is in another repository. */
  fromFork: boolean;
};

export type StartDecision =
  | { kind: 'create'; state: 'queued' | 'awaiting_approval'; engine: string }
  /** Refused with this error's reply; a silent refusal (a bot) gets none. */
  | { kind: 'refuse'; error: AppError; silent: boolean };

const refuse = (error: AppError, silent = false): StartDecision => ({ kind: 'refuse', error, silent });

export function decideStart(facts: StartFacts): StartDecision {
  const { command, config } = facts;
  const limit = config.limits['max-prompt-chars'];
  if (command.prompt.length > limit) {
    return refuse(new AppError('prompt_too_long', { length: command.prompt.length, limit }));
  }
  const engine = command.flags.engine ?? config.engine;
  const allowed: string[] = allowedEngines(config);
  if (!allowed.includes(engine)) {
    return refuse(new AppError('engine_not_allowed', { engine, allowed }));
  }
  if (facts.fromFork) return refuse(new AppError('fork_pull_request', {}));
  const access = decideRunAccess(facts.sender, facts.permission, config);
  if (access.decision === 'deny') {
    return refuse(
      new AppError('not_permitted', { login: facts.sender.login, reason: access.reason }),
      access.silent === true,
    );
  }
  return { kind: 'create', state: access.decision === 'allow' ? 'queued' : 'awaiting_approval', engine };
}

/**
 * Whether the command's thread is worth reading before the decision, beside the config read: for
 * a commenter with write access or more, whom the default trigger rule lets run, almost always
 * yes. Only a hint of what will be needed (decideStart decides); others' threads are read after a
 * decision to record their task, so a stranger's `/agent` costs no more than one permission read.
 */
export function threadWorthReadingAhead(permission: RepoPermission | null): boolean {
  return atLeast(roleOf(permission), 'write');
}
