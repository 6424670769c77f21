// Test-facing activity by people: issues, comments, pushes, pull requests, reviews, dispatches and
// deployment reviews. Each goes through the same state and webhook code as the REST routes and
// resolves once the subscribed Apps answered the resulting deliveries.
import { reviewAsUser } from '../actions/gates.ts';
import type { SimCore } from '../core.ts';
import { commitFiles, type SeedFiles } from '../git/bare-repo.ts';
import { entryAt, resolveCommit } from '../git/objects.ts';
import { readRef, writeRef } from '../git/refs.ts';
import type { PullIssue } from '../serialize/pull.ts';
import type { Actor } from '../state/actor.ts';
import { createComment, deleteComment, editComment } from '../state/comments.ts';
import { createIssue, editIssue, findIssue } from '../state/issues.ts';
import { followHead, mergePull, openPull, updatePull } from '../state/pulls.ts';
import { emitPush } from '../state/pushes.ts';
import { createReviewComment, editReviewComment, submitReview } from '../state/reviews.ts';
import { accountByLogin, findRepo } from '../state/store.ts';
import type { Review } from '../state/types.ts';
import type { DeliveryRecord } from '../webhooks/delivery-log.ts';

export type Delivered<T> = T & { deliveries: DeliveryRecord[] };

function asUser(sim: SimCore, login: string): Actor {
  const account = accountByLogin(sim.store, login);
  if (!account) throw new Error(`simulator: no user ${login}`);
  return { userId: account.id, appId: null };
}

function pullOf(sim: SimCore, repo: string, number: number): PullIssue {
  const issue = findIssue(sim, findRepo(sim.store, repo), number);
  if (!issue?.pull) throw new Error(`simulator: no pull request ${repo}#${number}`);
  return issue as PullIssue;
}

export function activityApi(sim: SimCore) {
  return {
    async createIssue(o: { repo: string; user: string; title: string; body?: string; labels?: string[] }) {
      const { value, delivered } = createIssue(sim, findRepo(sim.store, o.repo), asUser(sim, o.user), o);
      return { number: value.number, id: value.id, deliveries: await delivered };
    },
    async createComment(o: { repo: string; issue: number; user: string; body: string }) {
      const issue = findIssue(sim, findRepo(sim.store, o.repo), o.issue);
      if (!issue) throw new Error(`simulator: no issue ${o.repo}#${o.issue}`);
      const { value, delivered } = createComment(sim, issue, asUser(sim, o.user), o.body);
      return { id: value.id, deliveries: await delivered };
    },
    async editIssue(o: { repo: string; issue: number; user: string; title?: string; body?: string | null }) {
      const issue = findIssue(sim, findRepo(sim.store, o.repo), o.issue);
      if (!issue) throw new Error(`simulator: no issue ${o.repo}#${o.issue}`);
      return { deliveries: await editIssue(sim, issue, asUser(sim, o.user), o).delivered };
    },
    async editComment(o: { commentId: number; user: string; body: string }) {
      const comment = sim.store.comments.get(o.commentId);
      if (!comment) throw new Error(`simulator: no comment ${o.commentId}`);
      return { deliveries: await editComment(sim, comment, asUser(sim, o.user), o.body).delivered };
    },
    async deleteComment(o: { commentId: number; user: string }) {
      const comment = sim.store.comments.get(o.commentId);
      if (!comment) throw new Error(`simulator: no comment ${o.commentId}`);
      return { deliveries: await deleteComment(sim, comment, asUser(sim, o.user)).delivered };
    },
    /** Commits files on a branch (created from `from`, default the default branch, when new) as a push would. */
    async push(o: {
      repo: string;
      branch: string;
      user: string;
      files?: SeedFiles;
      deletes?: string[];
      message?: string;
      from?: string;
    }) {
      const repo = findRepo(sim.store, o.repo);
      const current = (await readRef(repo.gitDir, `refs/heads/${o.branch}`))?.sha ?? null;
      const parent =
        current ?? (await resolveCommit(repo.gitDir, o.from ?? `refs/heads/${repo.defaultBranch}`));
      const actor = asUser(sim, o.user);
      const account = sim.store.accounts.get(actor.userId);
      const sha = await commitFiles(repo.gitDir, {
        branch: o.branch,
        parent,
        files: o.files ?? {},
        deletes: o.deletes ?? [],
        message: o.message ?? 'Update files',
        author: { name: account?.login ?? o.user, email: `${actor.userId}+${o.user}@users.noreply.sim` },
        date: new Date(sim.clock.now()).toISOString(),
      });
      const files = Object.keys(o.files ?? {});
      const existed = await Promise.all(
        files.map(async (file) => (parent ? (await entryAt(repo.gitDir, parent, file)) !== null : false)),
      );
      const pushed = emitPush(sim, repo, {
        branch: o.branch,
        before: current,
        senderId: actor.userId,
        commit: {
          sha,
          message: o.message ?? 'Update files',
          added: files.filter((_, i) => !existed[i]),
          modified: files.filter((_, i) => existed[i]),
          removed: o.deletes ?? [],
        },
      });
      const deliveries = [...(await pushed), ...(await followHead(sim, repo, o.branch, sha, actor.userId))];
      return { sha, deliveries };
    },
    async createBranch(o: { repo: string; branch: string; from?: string }) {
      const repo = findRepo(sim.store, o.repo);
      const sha = await resolveCommit(repo.gitDir, o.from ?? `refs/heads/${repo.defaultBranch}`);
      if (!sha) throw new Error(`simulator: cannot resolve ${o.from}`);
      await writeRef(repo.gitDir, `refs/heads/${o.branch}`, sha, null);
      return sha;
    },
    async createPullRequest(o: {
      repo: string;
      user: string;
      head: string;
      base?: string;
      title: string;
      body?: string;
      draft?: boolean;
    }) {
      const repo = findRepo(sim.store, o.repo);
      const { value, delivered } = await openPull(sim, repo, asUser(sim, o.user), {
        ...o,
        base: o.base ?? repo.defaultBranch,
      });
      return { number: value.number, id: value.id, deliveries: await delivered };
    },
    async updatePullRequest(o: {
      repo: string;
      number: number;
      user: string;
      title?: string;
      body?: string;
      state?: 'open' | 'closed';
    }) {
      const { delivered } = await updatePull(sim, pullOf(sim, o.repo, o.number), asUser(sim, o.user), o);
      return { deliveries: await delivered };
    },
    /** Merges (fast-forward) a pull request, as a person clicking the merge button. */
    async mergePullRequest(o: { repo: string; number: number; user: string }) {
      const { delivered } = await mergePull(sim, pullOf(sim, o.repo, o.number), asUser(sim, o.user));
      return { deliveries: await delivered };
    },
    async submitReview(o: {
      repo: string;
      pull: number;
      user: string;
      state: Review['state'];
      body?: string;
    }) {
      const { value, delivered } = submitReview(sim, pullOf(sim, o.repo, o.pull), asUser(sim, o.user), o);
      return { id: value.id, deliveries: await delivered };
    },
    async createReviewComment(o: {
      repo: string;
      pull: number;
      user: string;
      body: string;
      path: string;
      line?: number;
      inReplyTo?: number;
    }) {
      const { value, delivered } = createReviewComment(
        sim,
        pullOf(sim, o.repo, o.pull),
        asUser(sim, o.user),
        o,
      );
      return { id: value.id, deliveries: await delivered };
    },
    async editReviewComment(o: {
      repo: string;
      pull: number;
      commentId: number;
      user: string;
      body: string;
    }) {
      const comment = sim.store.reviewComments.get(o.commentId);
      if (!comment) throw new Error(`simulator: no review comment ${o.commentId}`);
      const { delivered } = editReviewComment(
        sim,
        pullOf(sim, o.repo, o.pull),
        comment,
        asUser(sim, o.user),
        o.body,
      );
      return { deliveries: await delivered };
    },
    /** A workflow_dispatch made by a person (e.g. a hand-made run trying to reach an environment). */
    async dispatchWorkflow(o: {
      repo: string;
      user: string;
      workflow: string;
      ref?: string;
      inputs?: Record<string, string>;
    }) {
      const repo = findRepo(sim.store, o.repo);
      const run = await sim.actions.dispatch(repo, {
        workflowId: o.workflow,
        ref: o.ref ?? repo.defaultBranch,
        inputs: o.inputs ?? {},
        actorId: asUser(sim, o.user).userId,
      });
      return { runId: run.id };
    },
    /** A required reviewer approves or rejects a run's pending deployments (as the REST route does). */
    reviewDeployment(o: { runId: number; user: string; state: 'approved' | 'rejected'; comment?: string }) {
      const run = sim.store.runs.get(o.runId);
      if (!run) throw new Error(`simulator: no run ${o.runId}`);
      const environmentIds = [...sim.store.gates.values()]
        .filter((g) => g.runId === run.id)
        .map((g) => g.environmentId);
      reviewAsUser(sim, run, asUser(sim, o.user).userId, environmentIds, o.state, o.comment ?? '');
    },
  };
}
