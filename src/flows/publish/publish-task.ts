// Publishes an accepted change: policy first (refused whole, nothing published), then blobs, a
// tree, a commit and a branch through the Git Data API, then the pull request. Every step can
// be repeated after a crash without duplicating anything: the branch and the pull request are
// found before they are made.

import type { Change, Report } from '../../contract/job-result.ts';
import { AppError } from '../../core/errors.ts';
import { type ChangeWithBase, evaluatePatch, type Violation } from '../../core/policy/patch-policy.ts';
import { branchName, isSafeBranchName } from '../../core/publish/branch-name.ts';
import { pullRequestBody, pullRequestTitle } from '../../core/render/pr-body.ts';
import type { Task } from '../../core/task/task.ts';
import type { Octokit } from '../../github/octokit.ts';
import { once } from '../../github/once.ts';
import { withAdvisoryLock } from '../../platform/db/pool.ts';
import { getTask, transitionTask, updateTaskFields } from '../../store/tasks.ts';
import type { AppDeps } from '../app-deps.ts';

type Stored = { changes: Change[]; report: Report };
type TreeEntry = {
  path: string;
  mode: '100644' | '100755' | '120000' | '160000';
  type: 'blob';
  sha?: string | null;
  content?: string;
};

function repo(task: Task) {
  return { owner: task.repoOwner, repo: task.repoName };
}

async function loadResult(deps: AppDeps, task: Task): Promise<Stored> {
  const result = await deps.pool.query(
    'SELECT changes, report FROM task_results WHERE task_id = $1 AND attempt = $2',
    [task.id, task.attempt],
  );
  const row = result.rows[0];
  if (!row) throw new AppError('publish_failed', `task ${task.id} has no stored result`);
  return { changes: row.changes, report: row.report };
}

/** What the changed files held at the base commit, for line counts and credential scanning. */
async function withBaseContent(
  octokit: Octokit,
  task: Task,
  changes: Change[],
  maxBytes: number,
): Promise<ChangeWithBase[]> {
  const { data: commit } = await octokit.rest.git.getCommit({ ...repo(task), commit_sha: task.baseSha! });
  const { data: tree } = await octokit.rest.git.getTree({
    ...repo(task),
    tree_sha: commit.tree.sha,
    recursive: 'true',
  });
  const existing = new Map(tree.tree.map((e) => [e.path, e]));
  return Promise.all(
    changes.map(async (change) => {
      const entry = existing.get(change.path);
      if (!entry?.sha || entry.type !== 'blob' || (entry.size ?? 0) > maxBytes) return change;
      const { data: blob } = await octokit.rest.git.getBlob({ ...repo(task), file_sha: entry.sha });
      return { ...change, previous: Buffer.from(blob.content, 'base64') };
    }),
  );
}

/** Violations listed in the comment; the task's history keeps all of them. */
const MAX_LISTED_VIOLATIONS = 100;

function describeViolations(violations: Violation[]): string {
  const lines = violations
    .slice(0, MAX_LISTED_VIOLATIONS)
    // Paths come from the job: in a code span (no backticks inside), nothing in them renders.
    .map((v) => `- \`${v.path.slice(0, 300).replace(/`/g, "'")}\` — **${v.rule}**: ${v.detail}`);
  if (violations.length > MAX_LISTED_VIOLATIONS)
    lines.push(
      `- … and ${violations.length - MAX_LISTED_VIOLATIONS} more (the task's history lists them all)`,
    );
  return [
    `The agent's change was refused by the repository policy, so nothing was published (${violations.length} ${violations.length === 1 ? 'violation' : 'violations'}):`,
    '',
    ...lines,
    '',
    'Adjust the request, or the `policy` and `limits` sections of `.github/agent.yml`, then retry.',
  ].join('\n');
}

function isUtf8(buffer: Buffer): boolean {
  return Buffer.from(buffer.toString('utf8'), 'utf8').equals(buffer);
}

async function treeEntries(octokit: Octokit, task: Task, changes: Change[]): Promise<TreeEntry[]> {
  return Promise.all(
    changes.map(async (change): Promise<TreeEntry> => {
      if (change.status === 'deleted') return { path: change.path, mode: '100644', type: 'blob', sha: null };
      const bytes = Buffer.from(change.content, 'base64');
      // Text goes inline in the tree (one request fewer); binary content needs a blob.
      if (isUtf8(bytes) && !bytes.includes(0)) {
        return { path: change.path, mode: change.mode, type: 'blob', content: bytes.toString('utf8') };
      }
      const { data: blob } = await octokit.rest.git.createBlob({
        ...repo(task),
        content: change.content,
        encoding: 'base64',
      });
      return { path: change.path, mode: change.mode, type: 'blob', sha: blob.sha };
    }),
  );
}

async function createCommit(
  octokit: Octokit,
  task: Task,
  changes: Change[],
): Promise<{ sha: string; tree: string }> {
  const { data: base } = await octokit.rest.git.getCommit({ ...repo(task), commit_sha: task.baseSha! });
  const entries = await treeEntries(octokit, task, changes);
  const { data: tree } = await octokit.rest.git.createTree({
    ...repo(task),
    base_tree: base.tree.sha,
    tree: entries,
  });
  const message = `${pullRequestTitle(task)}\n\nAgent task ${task.id} for #${task.issueNumber}, requested by @${task.requesterLogin}.`;
  const { data: commit } = await octokit.rest.git.createCommit({
    ...repo(task),
    message,
    tree: tree.sha,
    parents: [task.baseSha!],
  });
  return { sha: commit.sha, tree: tree.sha };
}

/** Points the branch at the commit; reuses what an earlier attempt of this publish made. */
async function updateBranch(
  octokit: Octokit,
  task: Task,
  branch: string,
  commit: { sha: string; tree: string },
): Promise<string> {
  const ref = `heads/${branch}`;
  let current: string | undefined;
  try {
    current = (await octokit.rest.git.getRef({ ...repo(task), ref })).data.object.sha;
  } catch (error) {
    if ((error as { status?: number }).status !== 404) throw error;
  }
  if (current === undefined) {
    await octokit.rest.git.createRef({ ...repo(task), ref: `refs/${ref}`, sha: commit.sha });
    return commit.sha;
  }
  if (current === task.baseSha) {
    await octokit.rest.git.updateRef({ ...repo(task), ref, sha: commit.sha, force: false });
    return commit.sha;
  }
  const { data: head } = await octokit.rest.git.getCommit({ ...repo(task), commit_sha: current });
  if (head.tree.sha === commit.tree && head.parents.map((p) => p.sha).join() === task.baseSha) {
    return current; // an earlier attempt of this publish already made this exact commit
  }
  throw new AppError(
    'branch_moved',
    `The branch \`${branch}\` moved while the agent worked (it is at ${current.slice(0, 7)}, the agent started from ${task.baseSha!.slice(0, 7)}). Nothing was published; comment \`/agent retry ${task.id}\` to run again on the new head.`,
  );
}

async function openPullRequest(
  deps: AppDeps,
  octokit: Octokit,
  task: Task,
  branch: string,
  report: Report,
  files: number,
) {
  const r = repo(task);
  return once(deps.pool, `pull-request:${task.id}:${task.attempt}`, {
    find: async () => {
      const { data } = await octokit.rest.pulls.list({
        ...r,
        head: `${task.repoOwner}:${branch}`,
        state: 'all',
      });
      const pr = data[0];
      return pr ? { number: pr.number, url: pr.html_url } : undefined;
    },
    perform: async () => {
      const request = {
        ...r,
        head: branch,
        base: task.baseBranch!,
        title: pullRequestTitle(task),
        body: pullRequestBody(task, report, files),
        maintainer_can_modify: true,
      };
      try {
        const { data } = await octokit.rest.pulls.create({
          ...request,
          draft: task.settings['pull-request'].draft,
        });
        return { number: data.number, url: data.html_url };
      } catch (error) {
        // Draft pull requests are not available on every plan.
        if (!task.settings['pull-request'].draft || (error as { status?: number }).status !== 422)
          throw error;
        const { data } = await octokit.rest.pulls.create(request);
        return { number: data.number, url: data.html_url };
      }
    },
  });
}

async function decoratePullRequest(octokit: Octokit, task: Task, number: number): Promise<void> {
  const settings = task.settings['pull-request'];
  if (settings.labels.length > 0) {
    await octokit.rest.issues.addLabels({ ...repo(task), issue_number: number, labels: settings.labels });
  }
  if (settings['request-review']) {
    try {
      await octokit.rest.pulls.requestReviewers({
        ...repo(task),
        pull_number: number,
        reviewers: [task.requesterLogin],
      });
    } catch (error) {
      // 422: the requester cannot be asked (not a collaborator). The PR stands without it.
      if ((error as { status?: number }).status !== 422) throw error;
    }
  }
}

/**
 * One publish of a task at a time, across workers and replicas: a publish job queued again by
 * the sweeper, or released at shutdown while its work still ran, waits for the other to finish
 * and then finds the task published (never two branch updates or pull requests racing).
 */
export async function publishTask(deps: AppDeps, taskId: number, attempt: number): Promise<void> {
  await withAdvisoryLock(deps.pool, `publish:${taskId}`, () => publishOnce(deps, taskId, attempt));
}

async function publishOnce(deps: AppDeps, taskId: number, attempt: number): Promise<void> {
  const task = await getTask(deps.pool, taskId);
  if (task?.state !== 'publishing' || task.attempt !== attempt) return;
  if (!task.baseSha || !task.baseBranch)
    throw new AppError('publish_failed', `task ${task.id} has no base commit`);
  const octokit = deps.github.forRepo(task.installationId, task.repoId, 'publish');
  const { changes, report } = await loadResult(deps, task);
  const limits = task.settings.limits;

  const violations = evaluatePatch(await withBaseContent(octokit, task, changes, limits['max-file-bytes']), {
    denyPaths: task.settings.policy['deny-paths'],
    allowPaths: task.settings.policy['allow-paths'],
    maxFiles: limits['max-files'],
    maxLines: limits['max-lines'],
    maxFileBytes: limits['max-file-bytes'],
  });
  if (violations.length > 0) {
    deps.log.info(
      { taskId, violations: violations.map((v) => `${v.rule}:${v.path}`) },
      'change refused by policy',
    );
    await transitionTask(deps.pool, taskId, {
      type: 'policy_rejected',
      actor: 'policy',
      payload: { violations },
      fields: { errorCode: 'policy_violation', errorMessage: describeViolations(violations) },
    });
    return;
  }

  const followUp = task.followUpOfPr !== null && task.branch !== null;
  const branch = followUp
    ? task.branch!
    : branchName(
        task.settings['branch-prefix'],
        task.issueNumber,
        task.issueTitle || task.prompt,
        task.id,
        task.attempt,
      );
  if (!isSafeBranchName(branch))
    throw new AppError('publish_failed', `refusing the unsafe branch name ${JSON.stringify(branch)}`);
  if (!followUp) await updateTaskFields(deps.pool, taskId, { branch });

  const commit = await createCommit(octokit, task, changes);
  const head = await updateBranch(octokit, task, branch, commit);
  const pr = followUp
    ? {
        number: task.followUpOfPr!,
        url: (await octokit.rest.pulls.get({ ...repo(task), pull_number: task.followUpOfPr! })).data.html_url,
      }
    : await openPullRequest(deps, octokit, task, branch, report, changes.length);
  if (!followUp) await decoratePullRequest(octokit, task, pr.number);

  await transitionTask(deps.pool, taskId, {
    type: 'published',
    actor: 'agent-dispatch',
    payload: { branch, commit: head, pr: pr.number, followUp },
    fields: { branch, commitSha: head, prNumber: pr.number, prUrl: pr.url },
  });
  deps.log.info({ taskId, pr: pr.url, branch }, 'published');
}
