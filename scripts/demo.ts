// `npm run demo`: the whole loop, offline. Embedded PostgreSQL, the GitHub simulator and the App
// start in this process; alice comments `/agent …` on a sample issue; the task's states are shown
// as they change, then the pull request, its diff and the task's history from Postgres.
// `npm run demo -- --keep` then leaves everything running, with a second request (from a
// read-only user, so it waits for approval), and prints the dashboard's URL signed in as alice.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isTerminal } from '../src/core/task/task-states.ts';
import { startEmbeddedPostgres } from '../src/platform/db/embedded-postgres.ts';
import { taskEvents } from '../src/store/task-events.ts';
import { getTask } from '../src/store/tasks.ts';
import { startSystem } from '../test/support/system.ts';

const AGENT_SCRIPT = `#!/usr/bin/env bash
# The demo's "agent": a command engine. It reads the task from $AGENT_PROMPT_FILE and edits files.
set -euo pipefail
cat > GREETING.md <<'MD'
# Hello

Written by the demo agent for the task it was given.
MD
sed -i 's/^# Widgets$/# Widgets\\n\\nNow with a greeting: see GREETING.md./' README.md
echo "Added GREETING.md and linked it from the README." > "$AGENT_SUMMARY_FILE"
`;

const dim = (text: string) => (process.stdout.isTTY ? `\x1b[2m${text}\x1b[0m` : text);
const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const say = (text = '') => process.stdout.write(`${text}\n`);

const keep = process.argv.includes('--keep');

/** Opens a URL in the desktop's browser when there is one (best effort). */
function openInBrowser(url: string): void {
  const opener =
    process.platform === 'darwin'
      ? 'open'
      : process.env.DISPLAY || process.env.WAYLAND_DISPLAY
        ? 'xdg-open'
        : undefined;
  if (!opener) return;
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => {});
  child.unref();
}

async function keepRunning(sim: typeof system.sim, appUrl: string): Promise<void> {
  sim.addUser('rita');
  sim.setPermission('acme/widgets', 'rita', 'read');
  const issue = await sim.createIssue({
    repo: 'acme/widgets',
    user: 'rita',
    title: 'Typo in the README',
    body: 'The README says "Widgest".',
  });
  await sim.createComment({
    repo: 'acme/widgets',
    issue: issue.number,
    user: 'rita',
    body: '/agent fix the typo',
  });
  const signIn = `${sim.url}/login/oauth/sign-in?login=alice&return_to=${encodeURIComponent(`${appUrl}/auth/login?return_to=/`)}`;
  say();
  say(`${bold('Dashboard')}: ${appUrl}/`);
  say(`${dim('signed in as alice (opens the simulator’s GitHub sign-in, then the dashboard):')}`);
  say(signIn);
  say(dim('rita (read access) asked for a task: it waits for an approval on the Tasks page. Ctrl-C stops.'));
  openInBrowser(signIn);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

const dir = mkdtempSync(path.join(tmpdir(), 'agent-dispatch-demo-'));
chmodSync(dir, 0o755); // as root, Postgres runs as the postgres user, who must reach its directory
say(bold('Agent Dispatch demo') + dim(' — everything runs on this machine, nothing leaves it'));
const postgres = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), ephemeral: true });
say(`${dim('•')} embedded PostgreSQL on 127.0.0.1:${postgres.port}`);
const system = await startSystem({ databaseUrl: postgres.url, files: { 'agent.sh': AGENT_SCRIPT } });
const { sim, app } = system;
say(`${dim('•')} GitHub simulator at ${sim.url}, App at ${app.url}`);
say(
  `${dim('•')} repository acme/widgets with .github/workflows/agent.yml (the template) and the App installed`,
);

let exitCode = 0;
try {
  const issue = await sim.createIssue({
    repo: 'acme/widgets',
    user: 'alice',
    title: 'Greet new contributors',
    body: 'Add a short greeting file and link it from the README.',
  });
  const body = '/agent add a greeting file and link it from the README';
  say();
  say(`${bold('alice')} on ${sim.url}/acme/widgets/issues/${issue.number}: ${body}`);
  await sim.createComment({ repo: 'acme/widgets', issue: issue.number, user: 'alice', body });

  const started = Date.now();
  let last = '';
  let taskId: number | undefined;
  while (Date.now() - started < 120_000) {
    const row = await app.pool.query('SELECT id FROM tasks ORDER BY id LIMIT 1');
    taskId = row.rows[0] ? Number(row.rows[0].id) : undefined;
    const task = taskId ? await getTask(app.pool, taskId) : undefined;
    if (task && task.state !== last) {
      last = task.state;
      const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
      say(`  ${dim(`${seconds} s`)}  task ${task.id}: ${bold(task.state)}`);
      if (isTerminal(task.state)) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await sim.idle();

  const task = taskId ? await getTask(app.pool, taskId) : undefined;
  if (task?.state !== 'succeeded') {
    exitCode = 1;
    say(`\nThe task did not succeed: ${task?.state ?? 'no task'} ${task?.errorMessage ?? ''}`);
  } else {
    say();
    say(`${bold('Pull request')}: ${task.prUrl}`);
    say(`${dim('branch')} ${task.branch}  ${dim('commit')} ${task.commitSha}`);
    say();
    say(
      await sim.git.run('acme/widgets', ['show', '--stat', '--patch', '--format=%s%n%n%b', task.commitSha!]),
    );
  }
  if (task) {
    say(bold(`History of task ${task.id} (task_events)`));
    for (const event of await taskEvents(app.pool, task.id)) {
      const move = event.toState ? ` ${event.fromState ?? '∅'} → ${event.toState}` : '';
      say(
        `  ${String(event.seq).padStart(2)}  ${event.createdAt.toISOString()}  ${event.type.padEnd(16)} ${dim(event.actor)}${move}`,
      );
    }
  }
  if (keep && exitCode === 0) await keepRunning(sim, app.url!);
} catch (error) {
  exitCode = 1;
  console.error(error);
} finally {
  await system.stop();
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);
