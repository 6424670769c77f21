// The chaos suite's figures, counted from what users see on GitHub (status comments, runs, pull
// requests in the simulator) and from the App's database.
import type pg from 'pg';
import type { ProcessStack } from '../../test/reliability/support/process-stack.ts';

export type Command = { repo: string; issue: number; commentId: number };

export type Figures = {
  submitted: number;
  completed: number;
  failedVisibly: number;
  /** `state/error_code` → how many, with one message as an example. */
  failures: Record<string, { count: number; example: string; jobLog?: string }>;
  /** Commands that never ended visibly: no task, a task still live, or a final state not shown. */
  lost: number;
  lostDetail: { noTask: number; notFinished: number; notShown: number };
  /** The tasks counted as lost, to look into (id and state). */
  lostTasks: string[];
  tasksDuplicated: number;
  prsDuplicated: number;
  runsDuplicated: number;
  statusCommentsDuplicated: number;
  secondaryLimitViolations: number;
  drainSeconds: number | null;
};

const HEADLINES: Record<string, string> = {
  succeeded: 'Pull request opened',
  no_changes: 'Finished without changes',
  failed: 'Failed',
  cancelled: 'Cancelled',
  rejected: 'Rejected',
  timed_out: 'Timed out',
};
const TERMINAL = Object.keys(HEADLINES);

/** The status comment's headline, e.g. `**Agent task 7** · ✅ Pull request opened`. */
function headline(body: string): string {
  return /^\*\*Agent task \d+\*\*.*$/m.exec(body)?.[0] ?? '';
}

/** The end of the job log of the run a failure message links to, to see why it failed. */
function jobLogTail(stack: ProcessStack, message: string): string | undefined {
  const runId = /actions\/runs\/(\d+)/.exec(message)?.[1];
  if (!runId) return undefined;
  const log = stack.sim.jobs(Number(runId))[0]?.log ?? '';
  return log.split('\n').slice(-25).join('\n');
}

type TaskRow = {
  id: string;
  comment_id: string;
  state: string;
  attempt: number;
  error_code: string | null;
  error_message: string | null;
};

async function rest<T>(stack: ProcessStack, token: string, url: string): Promise<T[]> {
  const items: T[] = [];
  let next: string | undefined = `${stack.sim.apiUrl}${url}${url.includes('?') ? '&' : '?'}per_page=100`;
  while (next) {
    const response = await fetch(next, { headers: { authorization: `token ${token}` } });
    if (!response.ok) throw new Error(`GET ${next}: ${response.status}`);
    items.push(...((await response.json()) as T[]));
    next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
  }
  return items;
}

export async function measure(
  stack: ProcessStack,
  sql: pg.Pool,
  commands: Command[],
  drainSeconds: number | null,
): Promise<Figures> {
  const token = stack.sim.userToken('alice');
  const tasks = (
    await sql.query<TaskRow>(
      `SELECT id, comment_id, state, attempt, error_code, error_message FROM tasks WHERE comment_id = ANY($1)`,
      [commands.map((c) => c.commentId)],
    )
  ).rows;
  const tasksByComment = new Map<number, TaskRow[]>();
  for (const task of tasks) {
    const list = tasksByComment.get(Number(task.comment_id)) ?? [];
    list.push(task);
    tasksByComment.set(Number(task.comment_id), list);
  }

  // What GitHub shows: status comments per issue, pull requests and runs per task.
  const statusByTask = new Map<number, string[]>();
  const markersByIssue = new Map<string, Set<number>>();
  const prsByTask = new Map<number, number>();
  const runsByTask = new Map<number, number>();
  for (const repo of new Set(commands.map((c) => c.repo))) {
    for (const pull of await rest<{ head: { ref: string } }>(
      stack,
      token,
      `/repos/${repo}/pulls?state=all`,
    )) {
      const task = /-t(\d+)(?:-a\d+)?$/.exec(pull.head.ref)?.[1];
      if (task) prsByTask.set(Number(task), (prsByTask.get(Number(task)) ?? 0) + 1);
    }
    for (const run of stack.sim.runs(repo)) {
      const task = /^agent task (\d+)$/.exec(run.displayTitle)?.[1];
      if (task) runsByTask.set(Number(task), (runsByTask.get(Number(task)) ?? 0) + 1);
    }
  }
  for (const command of commands) {
    const comments = await rest<{ body?: string; user: { login: string } }>(
      stack,
      token,
      `/repos/${command.repo}/issues/${command.issue}/comments`,
    );
    const markers = new Set<number>();
    for (const comment of comments) {
      const id = /<!-- agent-dispatch:task=(\d+) -->/.exec(comment.body ?? '')?.[1];
      if (!id || comment.user.login !== 'agent-dispatch[bot]') continue;
      markers.add(Number(id));
      const list = statusByTask.get(Number(id)) ?? [];
      list.push(comment.body ?? '');
      statusByTask.set(Number(id), list);
    }
    markersByIssue.set(`${command.repo}#${command.issue}`, markers);
  }

  const figures: Figures = {
    submitted: commands.length,
    completed: 0,
    failedVisibly: 0,
    failures: {},
    lost: 0,
    lostDetail: { noTask: 0, notFinished: 0, notShown: 0 },
    lostTasks: [],
    tasksDuplicated: 0,
    prsDuplicated: 0,
    runsDuplicated: 0,
    statusCommentsDuplicated: 0,
    secondaryLimitViolations: stack.sim.metrics.secondaryLimitViolations,
    drainSeconds,
  };
  for (const command of commands) {
    const own = tasksByComment.get(command.commentId) ?? [];
    const markers = markersByIssue.get(`${command.repo}#${command.issue}`) ?? new Set();
    if (own.length > 1 || markers.size > 1) figures.tasksDuplicated++;
    const task = own[0];
    if (!task) {
      figures.lost++;
      figures.lostDetail.noTask++;
      figures.lostTasks.push(`comment ${command.commentId} on ${command.repo}#${command.issue}: no task`);
      continue;
    }
    const id = Number(task.id);
    const status = statusByTask.get(id) ?? [];
    if (status.length > 1) figures.statusCommentsDuplicated++;
    if ((prsByTask.get(id) ?? 0) > 1) figures.prsDuplicated++;
    if ((runsByTask.get(id) ?? 0) > task.attempt) figures.runsDuplicated++;
    if (!TERMINAL.includes(task.state)) {
      figures.lost++;
      figures.lostDetail.notFinished++;
      figures.lostTasks.push(`task ${id}: ${task.state} (attempt ${task.attempt})`);
      continue;
    }
    const shown = status.some((body) => headline(body).endsWith(HEADLINES[task.state]!));
    if (!shown) {
      figures.lost++;
      figures.lostDetail.notShown++;
      figures.lostTasks.push(`task ${id}: ${task.state}, status comment shows another state`);
      continue;
    }
    if (task.state === 'succeeded') {
      figures.completed++;
      continue;
    }
    figures.failedVisibly++;
    const key = `${task.state}/${task.error_code ?? '-'}`;
    const entry = figures.failures[key] ?? {
      count: 0,
      example: (task.error_message ?? '').slice(0, 160),
      jobLog: jobLogTail(stack, task.error_message ?? ''),
    };
    entry.count++;
    figures.failures[key] = entry;
  }
  return figures;
}
