// Writes are paced by the shared per-installation bucket only: with slots free, the clients add
// no spacing of their own (Octokit would put 3 s between two comments of one process), so a burst
// of writes is in flight at once — and never more of one installation than the concurrency cap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CONCURRENT_PER_INSTALLATION } from '../../src/github/octokit.ts';
import type { RequestRecord } from '../sim/server/request-log.ts';
import { type GitHubFixture, startGitHubFixture } from './support/github-fixture.ts';

const COMMENTS = '/repos/{owner}/{repo}/issues/{issue_number}/comments';
/** Long enough that requests sent one after another could never overlap. */
const SLOW_MS = 2_000;

/** Most requests in flight at one moment, from the simulator's arrival times and durations. */
function mostInFlight(requests: RequestRecord[]): number {
  const edges = requests.flatMap((r) => {
    const start = Date.parse(r.at);
    return [
      { at: start, change: 1 },
      { at: start + r.durationMs, change: -1 },
    ];
  });
  edges.sort((a, b) => a.at - b.at || a.change - b.change);
  let now = 0;
  let most = 0;
  for (const edge of edges) {
    now += edge.change;
    most = Math.max(most, now);
  }
  return most;
}

describe('write spacing', () => {
  let fixture: GitHubFixture;
  beforeAll(async () => {
    fixture = await startGitHubFixture();
  });
  afterAll(async () => {
    await fixture?.close();
  });

  const posts = () => fixture.sim.requests.filter((r) => r.method === 'POST' && r.route === COMMENTS);

  it('sends a burst of comments at once while the bucket has slots, with no per-process spacing', async () => {
    const octokit = fixture.clients().forRepo(fixture.installationId, fixture.repo.id, 'respond');
    fixture.sim.faults.inject({ method: 'POST', route: COMMENTS, kind: { type: 'latency', ms: SLOW_MS } });
    const before = posts().length;
    await Promise.all(
      [1, 2, 3, 4].map((n) =>
        octokit.rest.issues.createComment({
          owner: fixture.repo.owner,
          repo: fixture.repo.name,
          issue_number: fixture.issue,
          body: `burst ${n}`,
        }),
      ),
    );
    fixture.sim.faults.clear();
    const sent = posts().slice(before);
    expect(sent.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(mostInFlight(sent)).toBe(4);
  }, 30_000);

  it(`keeps at most ${MAX_CONCURRENT_PER_INSTALLATION} requests of one installation in flight per process`, async () => {
    const octokit = fixture.clients().forRepo(fixture.installationId, fixture.repo.id, 'respond');
    const route = '/repos/{owner}/{repo}/issues/{issue_number}';
    fixture.sim.faults.inject({ method: 'GET', route, kind: { type: 'latency', ms: 500 } });
    const before = fixture.sim.requests.length;
    const reads = MAX_CONCURRENT_PER_INSTALLATION + 5;
    await Promise.all(
      Array.from({ length: reads }, () =>
        octokit.rest.issues.get({
          owner: fixture.repo.owner,
          repo: fixture.repo.name,
          issue_number: fixture.issue,
        }),
      ),
    );
    fixture.sim.faults.clear();
    const sent = fixture.sim.requests.slice(before).filter((r) => r.route === route);
    expect(sent).toHaveLength(reads);
    expect(mostInFlight(sent)).toBe(MAX_CONCURRENT_PER_INSTALLATION);
  }, 30_000);
});
