import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from './support/world.ts';

let world: World;
const repo = { owner: 'acme', repo: 'widgets' };
/** The simulator's clock: the machine's, unless a test stops it to move time on by itself. */
let stoppedAt: number | undefined;
let ahead = 0;
const clock = { now: () => stoppedAt ?? Date.now() + ahead };

beforeAll(async () => {
  world = await createWorld({ clock });
  const issue = await world.sim.createIssue({ repo: 'acme/widgets', user: 'carol', title: 'Many comments' });
  for (let i = 0; i < 7; i++) {
    await world.sim.createComment({
      repo: 'acme/widgets',
      issue: issue.number,
      user: 'carol',
      body: `comment ${i}`,
    });
  }
});
afterAll(async () => {
  await world.close();
});

function caught(promise: Promise<unknown>) {
  return promise.then(
    () => null,
    (error: {
      status: number;
      name: string;
      message: string;
      response?: { headers: Record<string, string>; data: { message: string } };
    }) => error,
  );
}

describe('pagination and conditional requests', () => {
  it('pages with Link headers that Octokit’s paginate follows', async () => {
    const octokit = world.installationOctokit();
    const first = await octokit.rest.issues.listComments({ ...repo, issue_number: 1, per_page: 3 });
    expect(first.data).toHaveLength(3);
    expect(first.headers.link).toContain('rel="next"');
    expect(first.headers.link).toContain('rel="last"');
    const all = await octokit.paginate(octokit.rest.issues.listComments, {
      ...repo,
      issue_number: 1,
      per_page: 3,
    });
    expect(all.map((comment) => comment.body)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `comment ${i}`));
  });

  it('answers 304 to If-None-Match with the ETag, without spending the rate limit', async () => {
    const token = world.sim.installationToken(world.installationId);
    const url = `${world.sim.apiUrl}/repos/acme/widgets`;
    const first = await fetch(url, { headers: { authorization: `token ${token}` } });
    const etag = first.headers.get('etag') ?? '';
    const used = Number(first.headers.get('x-ratelimit-used'));
    expect(etag).toMatch(/^W\/"/);
    const second = await fetch(url, { headers: { authorization: `token ${token}`, 'if-none-match': etag } });
    expect(second.status).toBe(304);
    expect(Number(second.headers.get('x-ratelimit-used'))).toBe(used);
    const third = await fetch(url, { headers: { authorization: `token ${token}` } });
    expect(Number(third.headers.get('x-ratelimit-used'))).toBe(used + 1);
  });

  it('sends rate-limit headers on every response', async () => {
    const { headers } = await world.installationOctokit().rest.repos.get(repo);
    expect(headers['x-ratelimit-limit']).toBe('5000');
    expect(headers['x-ratelimit-resource']).toBe('core');
    expect(Number(headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
  });
});

describe('primary rate limit', () => {
  it('answers 403 with x-ratelimit-remaining 0 once the installation’s budget is spent', async () => {
    const sim = world.sim;
    sim.setRateLimit(3, `installation:${world.installationId}`);
    const octokit = world.tokenOctokit(sim.installationToken(world.installationId));
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) seen.push((await caught(octokit.rest.repos.get(repo)))?.status ?? 200);
    const error = await caught(octokit.rest.repos.get(repo));
    expect(error?.status).toBe(403);
    expect(error?.response?.headers['x-ratelimit-remaining']).toBe('0');
    expect(error?.response?.data.message).toMatch(/API rate limit exceeded/);
    expect(seen.filter((status) => status === 403).length).toBeGreaterThan(0);
    sim.setRateLimit(5000);
  });
});

describe('secondary rate limit', () => {
  it('counts more than 80 content-creating requests within a minute as a violation', async () => {
    const octokit = world.tokenOctokit(world.sim.installationToken(world.installationId));
    const before = world.sim.metrics.secondaryLimitViolations;
    for (let i = 0; i < 82; i++)
      await octokit.rest.issues.createComment({ ...repo, issue_number: 1, body: `burst ${i}` });
    expect(world.sim.metrics.secondaryLimitViolations - before).toBe(2);
  });
});

describe('secondary rate limit, enforced', () => {
  it('answers the 81st content-creating request within a minute with 403 and retry-after', async () => {
    const strict = await createWorld({ enforceSecondaryLimit: true });
    try {
      const issue = await strict.sim.createIssue({ repo: 'acme/widgets', user: 'carol', title: 'Burst' });
      const octokit = strict.tokenOctokit(strict.sim.installationToken(strict.installationId));
      for (let i = 0; i < 80; i++)
        await octokit.rest.issues.createComment({ ...repo, issue_number: issue.number, body: `ok ${i}` });
      const error = await caught(
        octokit.rest.issues.createComment({ ...repo, issue_number: issue.number, body: 'one too many' }),
      );
      expect(error?.status).toBe(403);
      expect(error?.response?.headers['retry-after']).toBe('60');
      expect(error?.response?.data.message).toMatch(/secondary rate limit/);
    } finally {
      await strict.close();
    }
  });
});

describe('injected faults', () => {
  it('answers a 502 for the matching route only, for the given count', async () => {
    const octokit = world.tokenOctokit(world.sim.installationToken(world.installationId));
    const fault = world.sim.faults.inject({
      route: '/repos/{owner}/{repo}/pulls',
      method: 'GET',
      kind: { type: 'status', status: 502 },
      count: 1,
    });
    expect((await caught(octokit.rest.pulls.list(repo)))?.status).toBe(502);
    expect(await caught(octokit.rest.repos.get(repo))).toBeNull();
    expect(await caught(octokit.rest.pulls.list(repo))).toBeNull();
    expect(fault.hits()).toBe(1);
  });

  it('answers a secondary rate limit with retry-after and GitHub’s message', async () => {
    const octokit = world.tokenOctokit(world.sim.installationToken(world.installationId));
    world.sim.faults.inject({
      route: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
      method: 'POST',
      kind: { type: 'secondary-rate-limit', retryAfter: 7 },
      count: 1,
    });
    const error = await caught(octokit.rest.issues.createComment({ ...repo, issue_number: 1, body: 'x' }));
    expect(error?.status).toBe(403);
    expect(error?.response?.headers['retry-after']).toBe('7');
    expect(error?.response?.data.message).toMatch(/secondary rate limit/);
  });

  it('answers 429 with retry-after', async () => {
    const octokit = world.tokenOctokit(world.sim.installationToken(world.installationId));
    world.sim.faults.inject({
      route: '/repos/{owner}/{repo}',
      kind: { type: 'rate-limit-429', retryAfter: 3 },
      count: 1,
    });
    const error = await caught(octokit.rest.repos.get(repo));
    expect(error?.status).toBe(429);
    expect(error?.response?.headers['retry-after']).toBe('3');
  });

  it('drops the connection, which Octokit reports as a network error', async () => {
    const octokit = new Octokit({
      baseUrl: world.sim.apiUrl,
      auth: world.sim.installationToken(world.installationId),
      request: { retries: 0 },
    });
    world.sim.faults.inject({ route: '/repos/{owner}/{repo}', kind: { type: 'drop' }, count: 1 });
    const error = await caught(octokit.rest.repos.get(repo));
    expect(error?.status).toBe(500);
    expect(error?.name).toBe('HttpError');
    expect(error?.response).toBeUndefined();
    expect(world.sim.requests.at(-1)).toMatchObject({
      route: '/repos/{owner}/{repo}',
      fault: 'drop',
      status: 0,
    });
  });

  it('applies a fault for a time window, then stops', async () => {
    const octokit = world.tokenOctokit(world.sim.installationToken(world.installationId));
    // Simulated time, not the machine's: requests on a loaded machine take what they take.
    stoppedAt = clock.now();
    try {
      world.sim.faults.inject({
        route: '/repos/{owner}/{repo}',
        kind: { type: 'status', status: 503 },
        forMs: 150,
      });
      expect((await caught(octokit.rest.repos.get(repo)))?.status).toBe(503);
      stoppedAt += 149;
      expect((await caught(octokit.rest.repos.get(repo)))?.status).toBe(503);
      stoppedAt += 1;
      expect(await caught(octokit.rest.repos.get(repo))).toBeNull();
    } finally {
      // The clock goes on from there.
      ahead = stoppedAt - Date.now();
      stoppedAt = undefined;
    }
  });

  it('records injected faults in the request log', () => {
    const faulted = world.sim.requests
      .filter((record) => record.fault !== null)
      .map((record) => record.fault);
    expect(faulted).toEqual(
      expect.arrayContaining(['status', 'secondary-rate-limit', 'rate-limit-429', 'drop']),
    );
    world.sim.faults.clear();
  });
});

describe('unexpected requests', () => {
  it('answers an unknown route 404 like GitHub and lists it', async () => {
    const before = world.sim.unexpectedRequests().length;
    const response = await fetch(`${world.sim.apiUrl}/repos/acme/widgets/not-a-thing`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest',
      status: '404',
    });
    expect(world.sim.unexpectedRequests().slice(before)).toMatchObject([
      { path: '/api/v3/repos/acme/widgets/not-a-thing', reason: 'no route' },
    ]);
  });

  it('answers a malformed body 422 Validation Failed with errors and lists it', async () => {
    const before = world.sim.unexpectedRequests().length;
    const error = await caught(
      world.installationOctokit().request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        ...repo,
        issue_number: 1,
        body: 42 as never,
      }),
    );
    expect(error?.status).toBe(422);
    expect(error?.response?.data).toMatchObject({
      message: 'Validation Failed',
      errors: [{ field: 'body', code: 'invalid' }],
    });
    expect(world.sim.unexpectedRequests().length).toBe(before + 1);
  });

  it('does not list a well-formed request GitHub refuses on the current state', async () => {
    const before = world.sim.unexpectedRequests().length;
    await world.sim.push({ repo: 'acme/widgets', branch: 'twice', user: 'maria', files: { 't.txt': 't\n' } });
    const octokit = world.installationOctokit();
    await octokit.rest.pulls.create({ ...repo, head: 'twice', base: 'main', title: 'Once' });
    const error = await caught(
      octokit.rest.pulls.create({ ...repo, head: 'twice', base: 'main', title: 'Twice' }),
    );
    expect(error?.status).toBe(422);
    expect(JSON.stringify(error?.response?.data)).toContain('A pull request already exists for acme:twice.');
    expect(world.sim.unexpectedRequests().length).toBe(before);
  });

  it('refuses to request a review from the pull request author', async () => {
    const octokit = world.installationOctokit();
    const { data: pulls } = await octokit.rest.pulls.list({ ...repo, head: 'acme:twice' });
    const pull = pulls[0];
    expect(pull).toBeDefined();
    const error = await caught(
      octokit.rest.pulls.requestReviewers({
        ...repo,
        pull_number: pull?.number ?? 0,
        reviewers: ['agent-dispatch[bot]'],
      }),
    );
    expect(error?.status).toBe(422);
  });
});
