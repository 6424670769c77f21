// The sentence people read for each error code: in a reply, the sticky comment, a job log or an
// API answer. Each says what happened and what to do. Pure; details come from the error, and
// every detail that comes from outside (the job, GitHub, a comment, a config file) is encoded.
import type { ErrorCode, ErrorDetails } from '../error-details.ts';
import { encode } from './encode.ts';

const utc = (at: Date) => at.toISOString().replace(/\.\d+Z$/, 'Z');
const usd = (value: number) => `$${value.toFixed(2)}`;

/** Runs whose conclusion people may want explained. */
function runEnded(conclusion: string, url: string): string {
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

function violationList(details: ErrorDetails['policy_violation']): string {
  const { violations, listed } = details;
  const lines = violations
    .slice(0, listed)
    // Paths come from the job: in a code span, nothing in them renders. Details are the policy's
    // own sentences, which quote job text in code spans.
    .map((v) => `- ${encode(v.path, 'span', { max: 300 })} — **${v.rule}**: ${v.detail}`);
  if (violations.length > listed)
    lines.push(`- … and ${violations.length - listed} more (the task's history lists them all)`);
  return [
    `The agent's change was refused by the repository policy, so nothing was published (${violations.length} ${violations.length === 1 ? 'violation' : 'violations'}):`,
    '',
    ...lines,
    '',
    'Adjust the request, or the `policy` and `limits` sections of `.github/agent.yml`, then retry.',
  ].join('\n');
}

export const ERROR_MESSAGES: { [C in ErrorCode]: (details: ErrorDetails[C]) => string } = {
  malformed_command: (d) => `That \`/agent\` command could not be read: ${d.error}.\n\n${d.help}`,
  invalid_config: (d) =>
    [
      'The task was not started because `.github/agent.yml` is invalid:',
      '',
      ...d.issues.map(
        (i) => `- ${encode(i.field, 'span')}: ${encode(i.message, 'inline-code', { max: 500 })}`,
      ),
      '',
      'Fix the file on the default branch and comment again. The schema is in `docs/agent-config.schema.json` of Agent Dispatch.',
    ].join('\n'),
  not_permitted: (d) =>
    `Sorry @${d.login}, you cannot run agent tasks here: ${d.reason}. A maintainer can run \`/agent\` for you.`,
  rate_limited: (d) =>
    `@${d.login}, you have started ${d.limit} tasks in this repository in the last hour, which is its limit. Try again after ${utc(d.retryAt)}.`,
  engine_not_allowed: (d) =>
    `The engine ${encode(d.engine, 'span')} is not enabled in this repository. Enabled: ${d.allowed.map((e) => `\`${e}\``).join(', ')} (see \`engines\` in \`.github/agent.yml\`).`,
  prompt_too_long: (d) =>
    `The task is ${d.length} characters long; this repository allows ${d.limit} (\`limits.max-prompt-chars\`). Shorten it or put the details in the issue body.`,
  fork_pull_request: () =>
    "Agent tasks cannot run on pull requests from forks: the job would run the fork's code with this repository's secrets. A maintainer can push the branch to this repository, or describe the task in an issue.",
  task_not_found: (d) =>
    d.taskId === undefined
      ? `There is no ${d.what} on this thread.`
      : `Task ${d.taskId} does not exist in this repository.`,
  cannot_manage: (d) => `Cannot ${d.action}: ${d.reason}.`,
  ambiguous_task: (d) =>
    `${d.taskIds.length} tasks on this thread could be meant (${d.taskIds.map((id) => `task ${id}`).join(', ')}), so nothing was done. Name the one you mean, e.g. \`/agent ${d.action} ${d.taskIds[0]}\`.`,
  request_changed: (d) =>
    `Task ${d.taskId} was not approved: what the agent would be given changed after it was requested (${d.changes.join('; ')}). Its status comment now shows the new text; read it, then approve with \`/agent approve ${d.taskId}\` if it is still what you want to run.`,
  // Recorded with the delivery and logged, never written on GitHub; the reason names our fields.
  malformed_payload: (d) => `The ${d.event} webhook payload cannot be processed: ${d.reason.slice(0, 1000)}.`,
  access_revoked: (d) => `@${d.login} no longer has access to run tasks here: ${d.reason}.`,
  workflow_missing: (d) =>
    `The workflow ${encode(`.github/workflows/${d.workflow}`, 'span')} was not found on ${encode(d.ref, 'span')}. Copy \`workflows-templates/agent.yml\` from Agent Dispatch into the repository (or set \`workflow\` in \`.github/agent.yml\`).`,
  branch_missing: (d) => `The branch ${encode(d.branch, 'span')} does not exist any more.`,
  dispatch_refused: (d) =>
    `GitHub refused to dispatch ${encode(d.workflow, 'span')}: ${encode(d.reason, 'inline', { max: 1000 })}`,
  dispatch_failed: (d) =>
    `Could not dispatch the workflow${d.attempts > 1 ? ` after ${d.attempts} attempts` : ''}: ${encode(d.reason, 'inline', { max: 1000 })}`,
  run_failed: (d) => runEnded(d.conclusion, d.url),
  run_lost: (d) => runEnded(d.conclusion, d.url),
  gate_rejected: (d) =>
    d.reason !== undefined
      ? `The environment gate rejected the run: ${d.reason}`
      : `The run was rejected at the ${encode(d.environment, 'span')} environment gate, so the agent never ran. Run: ${d.url ?? ''}`,
  engine_failed: (d) =>
    `The agent failed${d.exitCode !== null ? ` (exit code ${d.exitCode})` : ''}: ${d.reason === null ? 'no reason given' : encode(d.reason, 'inline', { max: 1000 })}`,
  limit_reached: (d) =>
    `The agent was stopped at a limit: ${d.reason === null ? 'turn or cost limit' : encode(d.reason.replace(/[.\s]+$/, ''), 'inline', { max: 1000 })}. Its partial work is kept with the task and was not published.`,
  timed_out: (d) =>
    `The agent was stopped at the ${d.minutes}-minute limit (\`limits.timeout-minutes\`). Its partial work (${d.files} files) is kept with the task and was not published.`,
  policy_violation: violationList,
  branch_moved: (d) =>
    `The branch ${encode(d.branch, 'span')} moved while the agent worked (it is at ${d.current.slice(0, 7)}, the agent started from ${d.base.slice(0, 7)}). Nothing was published; comment \`/agent retry ${d.taskId}\` to run again on the new head.`,
  publish_failed: (d) =>
    `Could not publish the change${d.attempts !== undefined && d.attempts > 1 ? ` after ${d.attempts} attempts` : ''}: ${encode(d.reason, 'inline', { max: 1000 })}`,
  shutting_down: () => 'the App is restarting; retry',
  bad_task_id: () => 'bad task id',
  bad_token: (d) => d.reason,
  no_task: (d) => `task ${d.taskId} does not exist`,
  wrong_run: (d) => d.reason,
  run_not_recorded: (d) => d.reason,
  not_runnable: (d) => `task ${d.taskId} is ${d.state.replace(/_/g, ' ')}`,
  too_large: (d) => `${d.what} larger than ${d.limit} bytes`,
  too_many_events: () => 'progress event limit reached for this task',
  bad_request: (d) => d.reason,
  result_refused: (d) => d.reason,
  budget_exhausted: (d) =>
    `${d.scope === 'user' ? `@${d.login}'s agent budget in this repository` : "This repository's agent budget"} for the month is spent: ${usd(d.spentUsd)} of ${usd(d.limitUsd)} (\`budget.${d.scope === 'user' ? 'per-user-monthly-usd' : 'monthly-usd'}\` in \`.github/agent.yml\`); $0.00 is left until it resets at ${utc(d.resetsAt)}.`,
  unauthenticated: (d) =>
    `${d.reason}. Sign in with GitHub at /auth/login, or send a GitHub user access token as \`Authorization: Bearer <token>\`.`,
  csrf_refused: (d) =>
    `${d.reason}. Requests that change something with a session cookie must carry the session's CSRF token in the X-CSRF-Token header (GET /api/v1/session returns it) and come from the App's own origin.`,
  not_found: (d) => `${d.what} does not exist, or you cannot see it.`,
  not_allowed: (d) => `You cannot ${d.action}: ${d.reason}.`,
  sign_in_unavailable: () =>
    'Sign-in with GitHub is not configured on this App: set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET (from the GitHub App settings page). Scripts can still send a GitHub user access token as a bearer token.',
  sign_in_failed: (d) => `Sign-in with GitHub did not complete: ${d.reason}. Start again at /auth/login.`,
  handoff_missing: (d) =>
    `The step ${encode(d.step, 'span')} finished without handing on its ${d.handoff} (the engine's final message was empty), so the pipeline stopped. Comment \`/agent retry\` to run that step again.`,
  plan_changed: (d) =>
    `Task ${d.taskId} was not approved: ${d.reason}. Read the plan in its comment again, then approve with \`/agent approve ${d.taskId}\`.`,
  pipeline_not_found: (d) =>
    `There is no pipeline ${encode(d.name, 'span')} in \`.github/agent.yml\`${d.defined.length > 0 ? ` (defined: ${d.defined.map((n) => encode(n, 'span')).join(', ')})` : ''}; \`/agent plan <task>\` runs the built-in plan → implement pipeline.`,
  github_unavailable: (d) =>
    `GitHub could not be asked who you are or what you may see (${d.reason}); try again shortly.`,
  postgres_unreachable: (d) =>
    `Running as root, the embedded PostgreSQL server runs as the 'postgres' user, which cannot reach ${d.dir} (a parent directory is not searchable by other users). Set EMBEDDED_POSTGRES_DIR to a directory it can reach, such as /var/lib/agent-dispatch/postgres (move ${d.dir} there first to keep its data), or set DATABASE_URL to use your own PostgreSQL server.`,
  embedded_postgres_failed: (d) =>
    `The embedded PostgreSQL server could not start: ${d.reason}. Set DATABASE_URL to use your own PostgreSQL server instead.`,
  database_unreachable: (d) =>
    `Cannot use the PostgreSQL database at ${d.target}: ${d.reason}. Check DATABASE_URL (leave it unset to run the embedded server).`,
  port_in_use: (d) =>
    `Cannot listen on ${d.host}:${d.port}: another process is using that port. Stop it, or set PORT to a free port.`,
  startup_failed: (d) =>
    `${d.reason.replace(/[.\s]+$/, '')}. Run with LOG_LEVEL=debug to see where it failed.`,
};
