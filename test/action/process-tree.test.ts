import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runProcessTree } from '../../action/src/engines/run-process-tree.ts';
import { type TempDir, tempDir } from './support/git-repo.ts';
import { isRunning, readPids } from './support/processes.ts';

let tmp: TempDir;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

const silent = { stdout: () => {}, stderr: () => {} };

function run(script: string, timeoutMs: number, graceMs = 500) {
  return runProcessTree({
    file: 'bash',
    args: ['-c', script],
    cwd: tmp.path,
    env: { PATH: process.env.PATH ?? '', PIDS: join(tmp.path, 'pids') },
    timeoutMs,
    graceMs,
    output: silent,
  });
}

const pids = () => readPids(readFileSync(join(tmp.path, 'pids'), 'utf8'));

describe('runProcessTree', () => {
  it('stops a command at the wall-time limit together with its children and grandchildren', async () => {
    const script = [
      'echo $$ >> "$PIDS"',
      'sleep 300 & echo $! >> "$PIDS"',
      'bash -c \'sleep 300 & echo $! >> "$PIDS"; wait\' & echo $! >> "$PIDS"',
      'sleep 0.2', // let the grandchild write its pid
      'echo ready >> "$PIDS"',
      'wait',
    ].join('\n');
    const result = await run(script, 2000);
    expect(result.timedOut).toBe(true);
    expect(pids()).toHaveLength(4);
    expect(pids().filter(isRunning)).toEqual([]);
  });

  it('kills with SIGKILL what ignores SIGTERM after the grace period', async () => {
    const script = [
      'trap "" TERM',
      'echo $$ >> "$PIDS"',
      'bash -c \'trap "" TERM; echo $$ >> "$PIDS"; while :; do sleep 1; done\' &',
      'wait',
    ].join('\n');
    const result = await run(script, 500, 300);
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(pids().length).toBeGreaterThanOrEqual(1);
    expect(pids().filter(isRunning)).toEqual([]);
  });

  it('stops processes a finished command left running in the background', async () => {
    const result = await run(
      'sleep 300 & echo $! >> "$PIDS"; nohup sleep 300 >/dev/null 2>&1 & echo $! >> "$PIDS"; exit 0',
      60_000,
    );
    expect(result).toMatchObject({ exitCode: 0, timedOut: false, leftovers: 2 });
    expect(pids().filter(isRunning)).toEqual([]);
  });

  it('streams the output and reports the exit code of a command that ends on its own', async () => {
    const chunks: string[] = [];
    const result = await runProcessTree({
      file: 'bash',
      args: ['-c', 'echo out; echo err >&2; exit 3'],
      cwd: tmp.path,
      env: { PATH: process.env.PATH ?? '' },
      timeoutMs: 60_000,
      graceMs: 500,
      output: { stdout: (c) => chunks.push(`1:${c}`), stderr: (c) => chunks.push(`2:${c}`) },
    });
    expect(result).toEqual({ exitCode: 3, signal: null, timedOut: false, spawnError: null, leftovers: 0 });
    expect(chunks.sort()).toEqual(['1:out\n', '2:err\n']);
  });

  it('reports a program that cannot be started', async () => {
    const result = await runProcessTree({
      file: join(tmp.path, 'no-such-program'),
      args: [],
      cwd: tmp.path,
      env: {},
      timeoutMs: 1000,
      graceMs: 100,
      output: silent,
    });
    expect(result.spawnError).toContain('ENOENT');
  });
});
