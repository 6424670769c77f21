// Helpers for the runner's tests: a bare repository with seed files, and job options with
// sensible defaults.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ExecuteJobOptions } from './execute-job.ts';
import { parseWorkflow } from './workflow.ts';

export type SeedRepo = { dir: string; bare: string; sha: string };

export function createBareRepo(
  files: Record<string, string>,
  root = mkdtempSync(path.join(tmpdir(), 'runner-repo-')),
): SeedRepo {
  const bare = path.join(root, 'repo.git');
  const work = path.join(root, 'seed');
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null' },
    }).trim();
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
  mkdirSync(work);
  git(work, 'init', '-q', '-b', 'main');
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(work, name)), { recursive: true });
    writeFileSync(path.join(work, name), content);
  }
  git(work, 'add', '.');
  git(work, '-c', 'user.name=Seed', '-c', 'user.email=seed@example.com', 'commit', '-q', '-m', 'seed');
  git(work, 'push', '-q', bare, 'main');
  return { dir: root, bare, sha: git(work, 'rev-parse', 'HEAD') };
}

export function jobOptions(
  yaml: string,
  repo: SeedRepo,
  overrides: Partial<ExecuteJobOptions> & { jobId?: string } = {},
): ExecuteJobOptions {
  const workflow = parseWorkflow(yaml);
  return {
    workflow,
    jobId: overrides.jobId ?? Object.keys(workflow.jobs)[0]!,
    checkout: { bareRepoPath: repo.bare, sha: repo.sha, ref: 'refs/heads/main' },
    context: {
      inputs: {},
      secrets: {},
      vars: {},
      github: { repository: 'octo-org/widgets', event_name: 'workflow_dispatch', event: { inputs: {} } },
    },
    env: {
      GITHUB_REPOSITORY: 'octo-org/widgets',
      GITHUB_SERVER_URL: 'http://127.0.0.1:1',
      GITHUB_API_URL: 'http://127.0.0.1:1/api/v3',
      GITHUB_RUN_ID: '1',
      GITHUB_SHA: repo.sha,
      GITHUB_REF: 'refs/heads/main',
    },
    actions: {},
    signal: new AbortController().signal,
    workRoot: path.join(repo.dir, 'runner'),
    killGraceMs: 300,
    ...overrides,
  };
}
