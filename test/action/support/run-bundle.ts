// Runs the committed bundle the way a GitHub runner runs a node24 action: `node
// action/dist/index.js` with INPUT_* variables, the event payload file, the file commands and
// the OIDC request variables pointing at the protocol peer.
import { type ChildProcess, type ChildProcessByStdio, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { RunnerApiPeer } from './runner-api-peer.ts';

export const BUNDLE = resolve(import.meta.dirname, '../../../action/dist/index.js');

/** Where runBundle's `leakFd` lands in the action. */
export const LEAKED_FD = 40;

const running = new Set<ChildProcess>();

/** For afterEach: a test that failed half-way leaves no action (and so no engine) running. */
export function killRunningBundles(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

export type BundleRun = {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
};

/** GITHUB_OUTPUT's `name<<DELIMITER\nvalue\nDELIMITER` blocks. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i] ?? '');
    if (!match) continue;
    const end = lines.indexOf(match[2] ?? '', i + 1);
    outputs[match[1] ?? ''] = lines.slice(i + 1, end).join('\n');
    i = end;
  }
  return outputs;
}

export async function runBundle(options: {
  step: 'prepare' | 'run';
  peer: RunnerApiPeer;
  workspace: string;
  runnerDir: string;
  taskId?: string;
  env?: Record<string, string>;
  /** Called with the action's process once it runs (to signal it, as a cancelled run would). */
  started?: (child: ChildProcess) => void;
  /** Run as this user (not root, no sudo) with this Node.js, instead of as the test's user. */
  as?: { uid: number; gid: number; node: string };
  /**
   * A descriptor the action inherits as LEAKED_FD without close-on-exec, as from a leaky runner
   * (Node marks its low inherited descriptors close-on-exec itself, not one this high).
   */
  leakFd?: number;
}): Promise<BundleRun> {
  const dir = join(
    options.runnerDir,
    `step-${options.step}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
  );
  const temp = join(options.runnerDir, 'temp');
  mkdirSync(dir, { recursive: true });
  mkdirSync(temp, { recursive: true });
  const event = join(dir, 'event.json');
  writeFileSync(
    event,
    JSON.stringify({ inputs: { task_id: options.taskId ?? '42' }, ref: 'refs/heads/main' }),
  );
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: options.runnerDir,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_EVENT_PATH: event,
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_REPOSITORY: 'acme/widgets',
    GITHUB_RUN_ID: '7',
    GITHUB_TOKEN: 'ghs_the-job-token-must-not-leak',
    RUNNER_OS: 'Linux',
    RUNNER_TEMP: temp,
    ACTIONS_RUNTIME_TOKEN: 'runtime-token-must-not-leak',
    ACTIONS_ID_TOKEN_REQUEST_URL: options.peer.oidc.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: options.peer.oidc.requestToken,
    INPUT_STEP: options.step,
    'INPUT_APP-URL': options.peer.url,
    'INPUT_WORKING-DIRECTORY': '.',
    ...options.env,
  };
  // A runner creates the file-command files before the step starts.
  for (const file of [env.GITHUB_OUTPUT, env.GITHUB_STEP_SUMMARY])
    if (file && !existsSync(file)) writeFileSync(file, '');
  const as = options.as;
  if (as) execFileSync('chown', ['-R', `${as.uid}:${as.gid}`, options.runnerDir]);
  // Another user may not reach the checkout's bundle (a clone under a 0700 directory, such as one
  // `mktemp -d` made): it runs a copy beside its runner directory, as a runner runs its own copy.
  const bundle = as ? stagedBundle(join(dirname(options.runnerDir), 'action-dist')) : BUNDLE;
  const child = spawn(as?.node ?? process.execPath, [bundle], {
    cwd: options.workspace,
    env,
    stdio: [
      'ignore',
      'pipe',
      'pipe',
      ...(options.leakFd === undefined
        ? []
        : [...Array.from({ length: LEAKED_FD - 3 }, () => 'ignore' as const), options.leakFd]),
    ],
    ...(as ? { uid: as.uid, gid: as.gid } : {}),
  }) as ChildProcessByStdio<null, Readable, Readable>;
  running.add(child);
  child.once('exit', () => running.delete(child));
  options.started?.(child);
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const code = await new Promise<number | null>((done) => child.once('close', (c) => done(c)));
  const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  return {
    code,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
    outputs: parseOutputFile(read(env.GITHUB_OUTPUT ?? '')),
    summary: read(env.GITHUB_STEP_SUMMARY ?? ''),
  };
}

/** A readable copy of action/dist (the bundle, its chunks and package.json) at `into`. */
function stagedBundle(into: string): string {
  cpSync(dirname(BUNDLE), into, { recursive: true });
  return join(into, 'index.js');
}
