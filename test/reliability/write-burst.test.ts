// A burst of 200 content-creating requests from several processes (each its own pool and GitHub
// clients, as replicas have) stays within GitHub's secondary limit, as the simulator counts it.
//
// The simulator runs on a clock ten times faster than real time, so its 60 s window passes in
// 6 s; the App's pacing is set ten times faster to match (600 a minute after a burst of 10, i.e.
// 60 a simulated minute), and the whole burst takes about 20 s instead of three minutes.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PacingLimits } from '../../src/core/pacing/write-pacing.ts';
import { type GitHubFixture, startGitHubFixture } from './support/github-fixture.ts';

const SCALE = 10;
const BURST_SCRIPT = path.resolve(import.meta.dirname, 'support/write-burst.ts');
const PROCESSES = 4;
const PER_PROCESS = 50;

function scaledClock() {
  const origin = Date.now();
  return { now: () => origin + (Date.now() - origin) * SCALE };
}

function runReplica(fixture: GitHubFixture, limits: PacingLimits): Promise<{ failed: number }> {
  const settings = {
    appId: fixture.app.id,
    privateKey: fixture.app.privateKey,
    apiUrl: fixture.sim.apiUrl,
    databaseUrl: fixture.db.url,
    installationId: fixture.installationId,
    repoId: fixture.repo.id,
    owner: fixture.repo.owner,
    repo: fixture.repo.name,
    issue: fixture.issue,
    count: PER_PROCESS,
    limits,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BURST_SCRIPT], {
      env: { ...process.env, BURST: JSON.stringify(settings) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`replica exited ${code}: ${err}`));
      else resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}'));
    });
  });
}

async function burst(fixture: GitHubFixture, limits: PacingLimits) {
  const results = await Promise.all(Array.from({ length: PROCESSES }, () => runReplica(fixture, limits)));
  const created = fixture.sim.requests.filter(
    (r) => r.method === 'POST' && r.route === '/repos/{owner}/{repo}/issues/{issue_number}/comments',
  );
  const times = created.map((r) => Date.parse(r.at)).sort((a, b) => a - b);
  let busiest = 0;
  for (let end = 0, start = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= 60_000) start++;
    busiest = Math.max(busiest, end - start + 1);
  }
  return {
    failed: results.reduce((sum, r) => sum + r.failed, 0),
    created: created.filter((r) => r.status === 201).length,
    violations: fixture.sim.metrics.secondaryLimitViolations,
    /** The most comments created within any 60 s of the simulator's clock. */
    busiest,
  };
}

describe('write pacing across processes', () => {
  let fixture: GitHubFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('keeps a burst of 200 content-creating requests from four processes within the limit in every 60 s', async () => {
    fixture = await startGitHubFixture({ clock: scaledClock() });
    const outcome = await burst(fixture, { perMinute: 60 * SCALE, burst: 10, perHour: 10_000_000 });
    expect(outcome).toMatchObject({ failed: 0, created: PROCESSES * PER_PROCESS, violations: 0 });
    expect(outcome.busiest).toBeLessThanOrEqual(80);
  }, 90_000);

  it('would break the limit without pacing (the simulator counts it)', async () => {
    fixture = await startGitHubFixture({ clock: scaledClock() });
    const outcome = await burst(fixture, { perMinute: 100_000, burst: 1_000, perHour: 10_000_000 });
    expect(outcome.created).toBe(PROCESSES * PER_PROCESS);
    expect(outcome.violations).toBeGreaterThan(0);
    expect(outcome.busiest).toBeGreaterThan(80);
  }, 60_000);
});
