// The GitHub reads an `/agent <prompt>` needs, started the moment the comment parses as one —
// beside the config read, not after it: the commenter's permission, on a pull request whether
// it comes from a fork or is the agent's own, and (for a commenter who will almost surely be let
// run) the thread the task will freeze. On GitHub each read is a round trip of its own; side by
// side they cost the slowest one. Nothing here decides anything: decideStart does, on what came.

import type { RepoPermission } from '../../core/access/decide-access.ts';
import { threadWorthReadingAhead } from '../../core/command/decide-start.ts';
import type { FrozenThread } from '../../core/prompt/frozen-thread.ts';
import type { Octokit } from '../../github/octokit.ts';
import { readPermission } from '../../github/read-permission.ts';
import { isAgentPullRequest } from '../../store/tasks.ts';
import type { AppDeps } from '../app-deps.ts';
import type { CommandSource } from './command-source.ts';
import { freezeThread } from './freeze-thread.ts';

export type PullRequestContext = { fromFork: boolean; followUp?: { pr: number; branch: string } };

export type RunReads = {
  permission: Promise<RepoPermission | null>;
  context: Promise<PullRequestContext>;
  /** The frozen thread, or undefined when it was not worth reading yet (read it after deciding). */
  thread: Promise<FrozenThread | undefined>;
};

/** On a pull request: is it from a fork, and is it one of the agent's own (a follow-up)? */
async function pullRequestContext(
  deps: AppDeps,
  octokit: Octokit,
  source: CommandSource,
): Promise<PullRequestContext> {
  if (!source.issue.isPullRequest) return { fromFork: false };
  const { data: pr } = await octokit.rest.pulls.get({
    owner: source.repo.owner,
    repo: source.repo.name,
    pull_number: source.issue.number,
  });
  if (pr.head.repo?.id !== pr.base.repo.id) return { fromFork: true };
  const ours =
    pr.state === 'open' && (await isAgentPullRequest(deps.pool, source.repo.id, pr.number, pr.head.ref));
  return ours ? { fromFork: false, followUp: { pr: pr.number, branch: pr.head.ref } } : { fromFork: false };
}

/** A read whose failure surfaces where it is awaited — or nowhere, when the command stops early. */
function started<T>(read: Promise<T>): Promise<T> {
  read.catch(() => undefined);
  return read;
}

export function threadOfCommand(octokit: Octokit, source: CommandSource): Promise<FrozenThread> {
  return freezeThread(
    octokit,
    { repo: source.repo, issueNumber: source.issue.number, command: source.comment },
    source.issue,
  );
}

export function readAhead(deps: AppDeps, octokit: Octokit, source: CommandSource): RunReads {
  const permission = started(readPermission(octokit, source));
  return {
    permission,
    context: started(pullRequestContext(deps, octokit, source)),
    thread: started(
      permission.then((read) =>
        threadWorthReadingAhead(read) ? threadOfCommand(octokit, source) : undefined,
      ),
    ),
  };
}
