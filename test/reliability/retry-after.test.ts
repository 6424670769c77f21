// GitHub's limit answers are honoured: a secondary limit with `retry-after: 2` holds the retry,
// and every other replica's writes for that installation, at least 2 s (simulator timestamps).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubFixture, startGitHubFixture } from './support/github-fixture.ts';

const COMMENTS = '/repos/{owner}/{repo}/issues/{issue_number}/comments';

describe("GitHub's retry-after", () => {
  let fixture: GitHubFixture;
  beforeAll(async () => {
    fixture = await startGitHubFixture();
  });
  afterAll(async () => {
    await fixture?.close();
  });

  const comment = (octokit: ReturnType<ReturnType<GitHubFixture['clients']>['forRepo']>, body: string) =>
    octokit.rest.issues.createComment({
      owner: fixture.repo.owner,
      repo: fixture.repo.name,
      issue_number: fixture.issue,
      body,
    });
  const posts = () => fixture.sim.requests.filter((r) => r.method === 'POST' && r.route === COMMENTS);

  it('delays the retry, and another replica’s next write, by at least the 2 s GitHub asked for', async () => {
    const replicaA = fixture.clients().forRepo(fixture.installationId, fixture.repo.id, 'respond');
    const replicaB = fixture.clients().forRepo(fixture.installationId, fixture.repo.id, 'respond');
    fixture.sim.faults.inject({
      method: 'POST',
      route: COMMENTS,
      kind: { type: 'secondary-rate-limit', retryAfter: 2 },
      count: 1,
    });

    const first = comment(replicaA, 'from replica A');
    // Once GitHub has answered 403, replica B wants to write too.
    const deadline = Date.now() + 10_000;
    while (!posts().some((r) => r.status === 403) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const second = comment(replicaB, 'from replica B');
    await Promise.all([first, second]);

    const [limited, ...after] = posts();
    expect(limited).toMatchObject({ status: 403, fault: 'secondary-rate-limit' });
    expect(after.map((r) => r.status)).toEqual([201, 201]);
    for (const request of after) {
      expect(Date.parse(request.at) - Date.parse(limited!.at)).toBeGreaterThanOrEqual(2_000);
    }
  }, 30_000);
});
