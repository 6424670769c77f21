// A finished task of a user, recorded straight into the App's database, whose run reported a
// cost: what budgets and the per-user hourly limit count, without running anything.
import type { Stack } from './stack.ts';

let made = 0;

/** Records a succeeded task of `login` made now, whose run reported `usd`; its id. */
export async function recordFinishedTask(stack: Stack, login: string, usd: number): Promise<number> {
  const user = [...stack.sim.core.store.accounts.values()].find((a) => a.login === login)!;
  made += 1;
  const task = await stack.app.pool.query<{ id: string }>(
    `INSERT INTO tasks (installation_id, repo_id, repo_owner, repo_name, issue_number, is_pull_request,
       comment_kind, comment_id, requester_login, requester_id, command, prompt, engine, state)
     VALUES (1, $1, 'acme', 'widgets', 9999, false, 'issue_comment', $2, $3, $4, 'run', 'p', 'command', 'succeeded')
     RETURNING id`,
    [stack.repo.id, 900_000 + made, login, user.id],
  );
  const id = Number(task.rows[0]!.id);
  await stack.app.pool.query(
    `INSERT INTO task_results (task_id, attempt, run_id, outcome, changes, patch, report, digest)
     VALUES ($1, 1, $2, 'completed', '[]', '', $3, 'd')`,
    [id, 800_000 + made, JSON.stringify({ costUsd: usd })],
  );
  return id;
}
