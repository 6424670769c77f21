// Notices the App writes that are not errors: a paused reply budget, a run refused for claiming
// a task it does not belong to. Pure. (Errors have their sentences in error-messages.ts.)

import { encode } from './encode.ts';

const utc = (at: Date) => at.toISOString().replace(/\.\d+Z$/, 'Z');

export function repliesPaused(login: string, limit: number, resetAt: Date): string {
  return `@${login}, that makes ${limit} replies to your commands in this repository within an hour, its limit (\`rate-limit.replies-per-user-per-hour\`). Until ${utc(resetAt)}, commands of yours that start nothing get a 😕 reaction instead of a reply; tasks you start still get their status comment.`;
}

export function foreignRunRejected(runId: number, taskId: number, environment: string): string {
  return `Workflow run ${runId} claimed to be agent task ${taskId}, but Agent Dispatch did not dispatch it, so it was refused the ${encode(environment, 'span')} environment (and its secrets). Task ${taskId} is not affected. If you did not start that run, check who can dispatch workflows in this repository.`;
}
