// Every message the App writes to people about something that went wrong, in one place. Each
// says what happened and what to do.
import type { ConfigIssue } from '../repo-config/schema.ts';

export function malformedCommand(error: string, help: string): string {
  return `That \`/agent\` command could not be read: ${error}.\n\n${help}`;
}

export function invalidConfig(issues: ConfigIssue[]): string {
  const lines = issues.map((i) => `- \`${i.field}\`: ${i.message}`);
  return [
    'The task was not started because `.github/agent.yml` is invalid:',
    '',
    ...lines,
    '',
    'Fix the file on the default branch and comment again. The schema is in `docs/agent-config.schema.json` of Agent Dispatch.',
  ].join('\n');
}

export function notPermitted(login: string, reason: string): string {
  return `Sorry @${login}, you cannot run agent tasks here: ${reason}. A maintainer can run \`/agent\` for you.`;
}

const utc = (at: Date) => at.toISOString().replace(/\.\d+Z$/, 'Z');

export function rateLimited(login: string, limit: number, retryAt: Date): string {
  return `@${login}, you have started ${limit} tasks in this repository in the last hour, which is its limit. Try again after ${utc(retryAt)}.`;
}

export function repliesPaused(login: string, limit: number, resetAt: Date): string {
  return `@${login}, that makes ${limit} replies to your commands in this repository within an hour, its limit (\`rate-limit.replies-per-user-per-hour\`). Until ${utc(resetAt)}, commands of yours that start nothing get a 😕 reaction instead of a reply; tasks you start still get their status comment.`;
}

export function engineNotAllowed(engine: string, allowed: string[]): string {
  return `The engine \`${engine}\` is not enabled in this repository. Enabled: ${allowed.map((e) => `\`${e}\``).join(', ')} (see \`engines\` in \`.github/agent.yml\`).`;
}

export function promptTooLong(length: number, limit: number): string {
  return `The task is ${length} characters long; this repository allows ${limit} (\`limits.max-prompt-chars\`). Shorten it or put the details in the issue body.`;
}

export function forkPullRequest(): string {
  return "Agent tasks cannot run on pull requests from forks: the job would run the fork's code with this repository's secrets. A maintainer can push the branch to this repository, or describe the task in an issue.";
}

export function taskNotFound(id: number | undefined, what: string): string {
  return id === undefined
    ? `There is no ${what} on this thread.`
    : `Task ${id} does not exist in this repository.`;
}

export function cannotManage(action: string, reason: string): string {
  return `Cannot ${action}: ${reason}.`;
}

export function foreignRunRejected(runId: number, taskId: number, environment: string): string {
  return `Workflow run ${runId} claimed to be agent task ${taskId}, but Agent Dispatch did not dispatch it, so it was refused the \`${environment}\` environment (and its secrets). Task ${taskId} is not affected. If you did not start that run, check who can dispatch workflows in this repository.`;
}

export function rejectedAtGate(environment: string, runUrl: string): string {
  return `The run was rejected at the \`${environment}\` environment gate, so the agent never ran. Run: ${runUrl}`;
}

/** A workflow run that ended (or vanished) before the agent reported a result. */
export function runEndedWithoutResult(conclusion: string | 'missing', url: string): string {
  const why =
    conclusion === 'missing'
      ? 'The workflow run no longer exists on GitHub (it was deleted, or never started) and reported no result'
      : conclusion === 'success'
        ? 'The workflow run finished without reporting a result to Agent Dispatch (is the agent action the last step of the job?)'
        : conclusion === 'cancelled'
          ? 'The workflow run was cancelled before the agent reported a result'
          : `The workflow run ended with \`${conclusion}\` before the agent reported a result`;
  return `${why}. Logs: ${url}`;
}
