import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from './support/world.ts';

let world: World;
const repo = { owner: 'acme', repo: 'widgets' };

beforeAll(async () => {
  world = await createWorld();
  await world.sim.createIssue({ repo: 'acme/widgets', user: 'carol', title: 'An issue' });
});
afterAll(async () => {
  await world.close();
});

describe('issues, comments, reactions and labels', () => {
  it('answers 201 for a new reaction and 200 with the same reaction when it already exists', async () => {
    const octokit = world.installationOctokit();
    const { id } = await world.sim.createComment({
      repo: 'acme/widgets',
      issue: 1,
      user: 'maria',
      body: '/agent go',
    });
    const first = await octokit.rest.reactions.createForIssueComment({
      ...repo,
      comment_id: id,
      content: 'eyes',
    });
    const second = await octokit.rest.reactions.createForIssueComment({
      ...repo,
      comment_id: id,
      content: 'eyes',
    });
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.data.id).toBe(first.data.id);
    const comment = await octokit.rest.issues.getComment({ ...repo, comment_id: id });
    expect(comment.data.reactions).toMatchObject({ total_count: 1, eyes: 1 });
    await octokit.rest.reactions.deleteForIssueComment({
      ...repo,
      comment_id: id,
      reaction_id: first.data.id,
    });
    const { data } = await octokit.rest.reactions.listForIssueComment({ ...repo, comment_id: id });
    expect(data).toEqual([]);
  });

  it('creates unknown labels when they are added to an issue', async () => {
    const octokit = world.installationOctokit();
    await octokit.rest.issues.addLabels({ ...repo, issue_number: 1, labels: ['agent', 'needs-review'] });
    const { data } = await octokit.rest.issues.listLabelsForRepo(repo);
    expect(data.map((label) => label.name)).toEqual(['agent', 'needs-review']);
    const issue = await octokit.rest.issues.get({ ...repo, issue_number: 1 });
    expect(issue.data.labels.map((label) => (typeof label === 'string' ? label : label.name))).toEqual([
      'agent',
      'needs-review',
    ]);
  });

  it('edits and deletes comments, sending issue_comment edited and deleted', async () => {
    const octokit = world.installationOctokit();
    const { data: comment } = await octokit.rest.issues.createComment({
      ...repo,
      issue_number: 1,
      body: 'status: queued',
    });
    await octokit.rest.issues.updateComment({ ...repo, comment_id: comment.id, body: 'status: running' });
    await octokit.rest.issues.deleteComment({ ...repo, comment_id: comment.id });
    await world.sim.idle();
    const mine = world.receiver.received.filter(
      (r) => r.event === 'issue_comment' && (r.payload.comment as { id: number }).id === comment.id,
    );
    expect(mine.map((r) => r.action)).toEqual(['created', 'edited', 'deleted']);
    expect(mine[0]?.payload.sender).toMatchObject({ login: 'agent-dispatch[bot]', type: 'Bot' });
    expect(mine[1]?.payload.changes).toEqual({ body: { from: 'status: queued' } });
  });

  it('shares one number sequence between issues and pull requests', async () => {
    await world.sim.push({ repo: 'acme/widgets', branch: 'seq', user: 'maria', files: { 's.txt': 's\n' } });
    const pull = await world.sim.createPullRequest({
      repo: 'acme/widgets',
      user: 'maria',
      head: 'seq',
      title: 'Seq',
    });
    const issue = await world.sim.createIssue({ repo: 'acme/widgets', user: 'maria', title: 'After' });
    expect([pull.number, issue.number]).toEqual([2, 3]);
  });
});

describe('pull requests', () => {
  it('opens a pull request from a fork and finds it by owner:branch', async () => {
    world.sim.addUser('forker');
    await world.sim.createRepo({ owner: 'forker', name: 'widgets', forkOf: 'acme/widgets' });
    await world.sim.push({
      repo: 'forker/widgets',
      branch: 'patch-1',
      user: 'forker',
      files: { 'fix.txt': 'fix\n' },
    });
    const { number } = await world.sim.createPullRequest({
      repo: 'acme/widgets',
      user: 'forker',
      head: 'forker:patch-1',
      title: 'From a fork',
    });
    const octokit = world.installationOctokit();
    const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: number });
    expect(data.head).toMatchObject({
      label: 'forker:patch-1',
      ref: 'patch-1',
      repo: { full_name: 'forker/widgets', fork: true },
    });
    expect(data.base.repo.full_name).toBe('acme/widgets');
    expect(data.changed_files).toBe(1);
    const { data: found } = await octokit.rest.pulls.list({ ...repo, head: 'forker:patch-1' });
    expect(found.map((pull) => pull.number)).toEqual([number]);
    expect(await world.sim.git.run('acme/widgets', ['rev-parse', `refs/pull/${number}/head`])).toContain(
      data.head.sha,
    );
  });

  it('follows pushes to the head branch and sends synchronize', async () => {
    await world.sim.push({ repo: 'acme/widgets', branch: 'sync', user: 'maria', files: { 'a.txt': '1\n' } });
    const { number } = await world.sim.createPullRequest({
      repo: 'acme/widgets',
      user: 'maria',
      head: 'sync',
      title: 'Sync',
    });
    const { sha, deliveries } = await world.sim.push({
      repo: 'acme/widgets',
      branch: 'sync',
      user: 'maria',
      files: { 'a.txt': '2\n' },
    });
    expect(deliveries.map((delivery) => `${delivery.event}.${delivery.action}`)).toEqual([
      'pull_request.synchronize',
    ]);
    const { data } = await world.installationOctokit().rest.pulls.get({ ...repo, pull_number: number });
    expect(data.head.sha).toBe(sha);
  });

  it('publishes like the App: branch through the Git Data API, then a pull request that requests review', async () => {
    const octokit = world.installationOctokit();
    const head = (await octokit.rest.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha;
    const tree = await octokit.rest.git.createTree({
      ...repo,
      base_tree: head,
      tree: [{ path: 'agent.txt', mode: '100644', type: 'blob', content: 'x\n' }],
    });
    const commit = await octokit.rest.git.createCommit({
      ...repo,
      message: 'Agent change',
      tree: tree.data.sha,
      parents: [head],
    });
    await octokit.rest.git.createRef({ ...repo, ref: 'refs/heads/agent/task-9', sha: commit.data.sha });
    const { data: pull } = await octokit.rest.pulls.create({
      ...repo,
      head: 'agent/task-9',
      base: 'main',
      title: 'Agent',
      body: 'Closes #1',
      draft: true,
    });
    expect(pull).toMatchObject({
      draft: true,
      user: { login: 'agent-dispatch[bot]' },
      head: { sha: commit.data.sha },
    });
    const { data: requested } = await octokit.rest.pulls.requestReviewers({
      ...repo,
      pull_number: pull.number,
      reviewers: ['maria'],
    });
    expect(requested.requested_reviewers?.map((user) => user.login)).toEqual(['maria']);
    const closed = await octokit.rest.pulls.update({ ...repo, pull_number: pull.number, state: 'closed' });
    expect(closed.data.state).toBe('closed');
  });
});

describe('pull request reviews', () => {
  it('posts a review as GitHub does: 200, a webhook, and no approving or requesting changes on one’s own pull request', async () => {
    const octokit = world.installationOctokit();
    const head = (await octokit.rest.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha;
    await octokit.rest.git.createRef({ ...repo, ref: 'refs/heads/agent/task-10', sha: head });
    await world.sim.push({
      repo: 'acme/widgets',
      branch: 'agent/task-10',
      user: 'maria',
      files: { 'r.txt': 'r\n' },
    });
    const { data: pull } = await octokit.rest.pulls.create({
      ...repo,
      head: 'agent/task-10',
      base: 'main',
      title: 'Own',
    });
    const refused = (event: 'APPROVE' | 'REQUEST_CHANGES' | 'COMMENT', body?: string) =>
      octokit.rest.pulls
        .createReview({ ...repo, pull_number: pull.number, event, ...(body === undefined ? {} : { body }) })
        .then(
          () => undefined,
          (error: { status: number; response: { data: { errors: string[] } } }) => [
            error.status,
            error.response.data.errors,
          ],
        );
    expect(await refused('REQUEST_CHANGES', 'Rename it.')).toEqual([
      422,
      ['Review Can not request changes on your own pull request'],
    ]);
    expect(await refused('APPROVE')).toEqual([422, ['Review Can not approve your own pull request']]);
    expect(await refused('COMMENT')).toEqual([422, ['Body is required when using COMMENT']]);

    const delivered = world.receiver.received.length;
    const posted = await octokit.rest.pulls.createReview({
      ...repo,
      pull_number: pull.number,
      event: 'COMMENT',
      body: 'Rename it.',
    });
    expect(posted.status).toBe(200);
    expect(posted.data).toMatchObject({
      state: 'COMMENTED',
      body: 'Rename it.',
      user: { login: 'agent-dispatch[bot]' },
      commit_id: pull.head.sha,
    });
    expect(posted.data.submitted_at).toBeTypeOf('string');
    await world.sim.idle();
    const events = world.receiver.received.slice(delivered);
    expect(events.map((d) => `${d.event}.${d.action}`)).toContain('pull_request_review.submitted');
    const listed = await octokit.rest.pulls.listReviews({ ...repo, pull_number: pull.number });
    expect(listed.data.map((r) => r.id)).toEqual([posted.data.id]);
  });

  it('keeps a review without an event PENDING: no submitted_at, one per user, seen by its author only', async () => {
    const octokit = world.installationOctokit();
    const { data: pull } = await octokit.rest.pulls.get({ ...repo, pull_number: 2 });
    const pending = await octokit.rest.pulls.createReview({
      ...repo,
      pull_number: pull.number,
      body: 'draft',
    });
    expect(pending.data.state).toBe('PENDING');
    expect('submitted_at' in pending.data).toBe(false);
    const second = await octokit.rest.pulls
      .createReview({ ...repo, pull_number: pull.number })
      .catch((error: { status: number; response: { data: { errors: string[] } } }) => error);
    expect(second).toMatchObject({
      status: 422,
      response: { data: { errors: ['User can only have one pending review per pull request'] } },
    });
    const asMaria = world.tokenOctokit(world.sim.userToken('maria'));
    const seen = await asMaria.rest.pulls.listReviews({ ...repo, pull_number: pull.number });
    expect(seen.data.map((r) => r.id)).not.toContain(pending.data.id);
  });
});

// Last: it takes a number of the sequence the tests above count on.
describe('issue edits', () => {
  it('edits an issue’s title and body (PATCH), as the App does for its report issue', async () => {
    const octokit = world.installationOctokit();
    const made = await octokit.rest.issues.create({ ...repo, title: 'Report', body: 'first' });
    const edited = await octokit.rest.issues.update({
      ...repo,
      issue_number: made.data.number,
      body: 'second',
    });
    expect(edited.status).toBe(200);
    expect(edited.data).toMatchObject({ number: made.data.number, title: 'Report', body: 'second' });
    const read = await octokit.rest.issues.get({ ...repo, issue_number: made.data.number });
    expect(read.data.body).toBe('second');
  });
});
