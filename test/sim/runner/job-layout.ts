// The directories and environment a runner gives a job: workspace, temp, home and tool cache
// laid out like a hosted runner's (/home/runner/work/<repo>/<repo>, …/_temp), the event payload
// file, and the variables every step sees.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';

export type JobLayout = {
  workRoot: string;
  workspace: string;
  temp: string;
  home: string;
  toolCache: string;
  eventPath: string;
};

export function createJobLayout(options: {
  workRoot?: string;
  toolCache?: string;
  repository: string;
  event: unknown;
}): JobLayout {
  const workRoot = options.workRoot ?? mkdtempSync(path.join(tmpdir(), 'sim-runner-'));
  const repoName = options.repository.split('/').pop() || 'repository';
  const layout: JobLayout = {
    workRoot,
    workspace: path.join(workRoot, 'work', repoName, repoName),
    temp: path.join(workRoot, 'work', '_temp'),
    home: path.join(workRoot, 'home'),
    // Shared between jobs, like the tool cache of a hosted runner image.
    toolCache:
      options.toolCache ??
      path.join(
        process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'),
        'agent-dispatch',
        'runner-tool-cache',
      ),
    eventPath: path.join(workRoot, 'work', '_temp', '_github_workflow', 'event.json'),
  };
  for (const dir of [
    layout.workspace,
    layout.temp,
    layout.home,
    layout.toolCache,
    path.dirname(layout.eventPath),
  ]) {
    mkdirSync(dir, { recursive: true });
  }
  writeFileSync(layout.eventPath, JSON.stringify(options.event ?? {}, null, 2));
  return layout;
}

/** What the runner machine itself contributes: a PATH with this Node first (hosted images
 *  have Node on PATH), a UTF-8 locale and the job's home. Nothing else of the test process's
 *  environment leaks into steps. */
export function machineEnv(layout: JobLayout): Record<string, string> {
  return {
    PATH: [path.dirname(process.execPath), process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'].join(
      path.delimiter,
    ),
    HOME: layout.home,
    LANG: 'C.UTF-8',
  };
}

export function runnerEnv(layout: JobLayout, jobId: string, trackingId: string): Record<string, string> {
  return {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_JOB: jobId,
    GITHUB_WORKSPACE: layout.workspace,
    GITHUB_EVENT_PATH: layout.eventPath,
    RUNNER_TEMP: layout.temp,
    RUNNER_TOOL_CACHE: layout.toolCache,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: process.arch === 'arm64' ? 'ARM64' : 'X64',
    RUNNER_NAME: 'GitHub Actions (simulated)',
    RUNNER_ENVIRONMENT: 'github-hosted',
    RUNNER_TRACKING_ID: trackingId,
  };
}

export function runnerContext(layout: JobLayout): Record<string, string> {
  return {
    os: 'Linux',
    arch: process.arch === 'arm64' ? 'ARM64' : 'X64',
    name: 'GitHub Actions (simulated)',
    temp: layout.temp,
    tool_cache: layout.toolCache,
    environment: 'github-hosted',
  };
}

/** Go-style duration, as the runner prints the job's maximum execution time ("1m0s"). */
export function formatDuration(minutes: number): string {
  const totalMs = Math.round(minutes * 60_000);
  const hours = Math.floor(totalMs / 3_600_000);
  const mins = Math.floor((totalMs % 3_600_000) / 60_000);
  const secs = (totalMs % 60_000) / 1000;
  if (hours > 0) return `${hours}h${mins}m${secs}s`;
  if (mins > 0) return `${mins}m${secs}s`;
  return `${secs}s`;
}
