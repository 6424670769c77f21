// The committed bundle, run as a runner runs it, against the protocol peer and a real checkout.
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRepo, type TempDir, tempDir } from './support/git-repo.ts';
import { isRunning, readPids } from './support/processes.ts';
import { killRunningBundles, runBundle } from './support/run-bundle.ts';
import { type RunnerApiPeer, specFor, startRunnerApiPeer } from './support/runner-api-peer.ts';
import { type RunnerUser, unprivilegedRunner } from './support/runner-user.ts';

let tmp: TempDir;
let peer: RunnerApiPeer | undefined;
let runner: RunnerUser | null = null;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(async () => {
  killRunningBundles();
  await peer?.close();
  peer = undefined;
  runner?.remove();
  runner = null;
  tmp.remove();
});

type Spec = Record<string, unknown>;

async function setUp(spec: (sha: string, outside: string) => Spec) {
  const repo = createRepo(tmp.path, { 'README.md': '# widgets\n', 'old.txt': 'old\n' });
  const outside = join(tmp.path, 'outside');
  mkdirSync(outside);
  // Where the command leaves what it saw; it runs as a user of its own when the action is root.
  chmodSync(outside, 0o777);
  peer = await startRunnerApiPeer({ taskId: 42, spec: spec(repo.sha, outside) });
  const run = (
    step: 'prepare' | 'run',
    env?: Record<string, string>,
    started?: (action: ChildProcess) => void,
    as?: RunnerUser | null,
  ) =>
    runBundle({
      step,
      peer: peer as RunnerApiPeer,
      workspace: repo.dir,
      runnerDir: join(tmp.path, 'runner'),
      env,
      started,
      ...(as ? { as } : {}),
    });
  return { repo, outside, peer, run };
}

/** Every appearance of `secret` in the log is the runner's own mask command for it. */
function onlyMasked(log: string, secret: string): boolean {
  return log.split('\n').every((line) => !line.includes(secret) || line === `::add-mask::${secret}`);
}

describe('the bundled action', () => {
  it('prepare: outputs the commit to check out and the task id', async () => {
    const { repo, run, peer } = await setUp((sha) => specFor(42, sha));
    const step = await run('prepare');
    expect(step.code).toBe(0);
    expect(step.outputs).toEqual({ sha: repo.sha, 'task-id': '42' });
    expect(peer.audiences).toEqual([peer.url]);
    expect(peer.issuedTokens).toHaveLength(1);
    expect(onlyMasked(step.stdout + step.stderr, peer.issuedTokens[0] ?? '')).toBe(true);
    expect(step.stdout).toContain(`::add-mask::${peer.issuedTokens[0]}`);
  });

  it("prepare: fails with the App's own message when the App refuses", async () => {
    const { run, peer } = await setUp((sha) => specFor(42, sha));
    peer.script('/spec', {
      status: 403,
      body: { error: { code: 'run_mismatch', message: 'this token is for run 8, not 7' } },
    });
    const step = await run('prepare');
    expect(step.code).toBe(1);
    expect(step.stdout).toMatch(/^::error::.*403 run_mismatch — this token is for run 8, not 7/m);
    expect(step.outputs).toEqual({});
  });

  it('run: gives the command the prompt only through AGENT_PROMPT_FILE and AGENT_PROMPT, in a scrubbed environment, and sends its change', async () => {
    const { repo, run, peer, outside } = await setUp((sha, out) =>
      specFor(42, sha, {
        prompt: hostilePrompt(out),
        command: [
          'printf "hello\\n" > hello.txt',
          'rm old.txt',
          `env > ${out}/env.txt`,
          `cp "$AGENT_PROMPT_FILE" ${out}/prompt-file.txt`,
          `printf %s "$AGENT_PROMPT" > ${out}/prompt-env.txt`,
          'echo "::error::an agent trying to annotate"',
          'echo "Added hello.txt" > "$AGENT_SUMMARY_FILE"',
          'echo \'{"turns":3,"inputTokens":1200,"outputTokens":340,"costUsd":0.0123}\' > "$AGENT_USAGE_FILE"',
        ].join('\n'),
      }),
    );
    const step = await run('run', { MY_SECRET: 'environment-secret-value' });

    expect(step.code).toBe(0);
    // The prompt arrived intact and none of its shell syntax ran.
    const prompt = hostilePrompt(outside);
    expect(readFileSync(join(outside, 'prompt-file.txt'), 'utf8')).toBe(prompt);
    expect(readFileSync(join(outside, 'prompt-env.txt'), 'utf8')).toBe(prompt);
    expect(existsSync(join(outside, 'pwned'))).toBe(false);
    // The environment is the allow-list plus AGENT_* variables.
    const names = readFileSync(join(outside, 'env.txt'), 'utf8')
      .split('\n')
      .map((line) => line.split('=')[0] ?? '')
      .filter((name) => /^[A-Z_][A-Z0-9_-]*$/.test(name));
    for (const name of names) {
      expect(name).toMatch(
        /^(PATH|HOME|LANG|LC_[A-Z_]+|TERM|TMPDIR|CI|GITHUB_WORKSPACE|RUNNER_OS|RUNNER_TEMP|AGENT_[A-Z_]+|PWD|SHLVL|_|OLDPWD)$/,
      );
    }
    expect(names).toContain('AGENT_PROMPT_FILE');
    const dump = readFileSync(join(outside, 'env.txt'), 'utf8');
    for (const leaked of [
      'ACTIONS_ID_TOKEN_REQUEST',
      'GITHUB_TOKEN',
      'ghs_the-job-token',
      'ACTIONS_RUNTIME_TOKEN',
      'INPUT_',
      'environment-secret-value',
      peer.oidc.requestToken,
    ]) {
      expect(dump).not.toContain(leaked);
    }
    // The result the App received.
    expect(peer.results).toHaveLength(1);
    const result = peer.results[0] as {
      outcome: string;
      changes: unknown[];
      report: Record<string, unknown>;
      patch: string;
    };
    expect(result.outcome).toBe('completed');
    expect(result.changes).toEqual([
      {
        path: 'hello.txt',
        status: 'added',
        mode: '100644',
        content: Buffer.from('hello\n').toString('base64'),
      },
      { path: 'old.txt', status: 'deleted' },
    ]);
    expect(result.patch).toContain('+hello');
    expect(result.report).toMatchObject({
      engine: 'command',
      exitCode: 0,
      turns: 3,
      inputTokens: 1200,
      outputTokens: 340,
      costUsd: 0.0123,
      summary: 'Added hello.txt',
      error: null,
    });
    // Outputs, summary, and the agent's output shown but not obeyed.
    expect(step.outputs).toEqual({
      'task-id': '42',
      conclusion: 'succeeded',
      'pr-url': 'https://github.example/acme/widgets/pull/8',
      'cost-usd': '0.0123',
    });
    expect(step.summary).toContain(
      '| Pull request | [https://github.example/acme/widgets/pull/8](https://github.example/acme/widgets/pull/8) |',
    );
    expect(step.summary).toContain('| Turns | 3 |');
    expect(step.summary).toContain('| Tokens | 1,200 in, 340 out |');
    expect(step.summary).toContain('| Cost | $0.0123 |');
    expect(step.summary).toContain('| Files changed | 2 (1 added or modified, 1 deleted) |');
    const stop = /^::stop-commands::(.+)$/m.exec(step.stdout);
    expect(stop).not.toBeNull();
    const guarded = step.stdout.slice(
      step.stdout.indexOf(stop?.[0] ?? ''),
      step.stdout.indexOf(`::${stop?.[1]}::`),
    );
    expect(guarded).toContain('::error::an agent trying to annotate');
    for (const token of peer.issuedTokens) expect(onlyMasked(step.stdout + step.stderr, token)).toBe(true);
    expect(repo.git('status', '--porcelain')).toContain('?? hello.txt'); // the checkout itself is left as the engine left it
  });

  it('run: posts a failed result and only then exits non-zero when the command fails', async () => {
    const { run, peer } = await setUp((sha) =>
      specFor(42, sha, { command: 'echo partial > partial.txt; exit 3' }),
    );
    const step = await run('run');
    expect(step.code).toBe(1);
    const result = peer.results[0] as {
      outcome: string;
      changes: { path: string }[];
      report: { error: string; exitCode: number };
    };
    expect(result.outcome).toBe('failed');
    expect(result.report).toMatchObject({ exitCode: 3, error: 'The command exited with code 3.' });
    expect(result.changes.map((c) => c.path)).toEqual(['partial.txt']);
    expect(step.outputs.conclusion).toBe('failed');
    expect(step.summary).toContain('**Error:** The command exited with code 3.');
  });

  it("run: undoes what a (not isolated) engine writes to the runner's file-command files and discards its work", async () => {
    const commands = join(tmp.path, 'runner', 'file-commands');
    mkdirSync(commands, { recursive: true });
    const setEnv = join(commands, 'set_env_step');
    const addPath = join(commands, 'add_path_step');
    writeFileSync(setEnv, 'KEPT=1\n');
    writeFileSync(addPath, '');
    // An agent that knows where the runner keeps them, running as the runner's user: the action
    // runs as a user that is not root and has no sudo, so it cannot give the engine one of its own.
    const attack = `for f in ${commands}/*; do echo 'NODE_OPTIONS=--require /tmp/evil.js' >> "$f"; done; echo x > ${commands}/set_env_future; echo work > work.txt`;
    const { run, peer } = await setUp((sha) => specFor(42, sha, { command: attack }));
    runner = unprivilegedRunner(tmp.path);
    const step = await run('run', { GITHUB_ENV: setEnv, GITHUB_PATH: addPath }, undefined, runner);
    expect(step.stdout).toContain('::warning::The engine is not isolated');
    expect(readFileSync(setEnv, 'utf8')).toBe('KEPT=1\n');
    expect(readFileSync(addPath, 'utf8')).toBe('');
    expect(existsSync(join(commands, 'set_env_future'))).toBe(false);
    const result = peer.results[0] as { outcome: string; changes: unknown[]; report: { error: string } };
    expect(result.outcome).toBe('failed');
    expect(result.changes).toEqual([]);
    expect(result.report.error).toMatch(/wrote to the runner's workflow command files \(3 files\)/);
    expect(step.code).toBe(1);
  });

  it('run: stops the command at the wall-time limit, kills its children and reports the partial change as timed_out', async () => {
    const { run, peer, outside } = await setUp((sha, out) =>
      specFor(42, sha, {
        command: `echo partial > partial.txt; sleep 300 & echo $! > ${out}/pids; bash -c 'sleep 300' & echo $! >> ${out}/pids; wait`,
        limits: { timeoutMinutes: 0.03 },
      }),
    );
    const step = await run('run');
    expect(step.code).toBe(1);
    const result = peer.results[0] as {
      outcome: string;
      changes: { path: string }[];
      report: { error: string };
    };
    expect(result.outcome).toBe('timed_out');
    expect(result.changes.map((c) => c.path)).toEqual(['partial.txt']);
    expect(result.report.error).toContain('did not finish within');
    const pids = readPids(readFileSync(join(outside, 'pids'), 'utf8'));
    expect(pids).toHaveLength(2);
    expect(pids.filter(isRunning)).toEqual([]);
    expect(step.outputs.conclusion).toBe('timed_out');
  });

  it('run: a cancelled run takes the engine and its children down with the action', async () => {
    const { run, outside } = await setUp((sha, out) =>
      specFor(42, sha, {
        command: `sleep 300 & echo $! > ${out}/pids.tmp; echo $$ >> ${out}/pids.tmp; mv ${out}/pids.tmp ${out}/pids; wait`,
      }),
    );
    const pidsFile = join(outside, 'pids');
    const step = await run('run', undefined, (action) => {
      const poll = setInterval(() => {
        if (!existsSync(pidsFile)) return;
        clearInterval(poll);
        action.kill('SIGTERM'); // what the runner sends when the run is cancelled
      }, 50);
      action.once('exit', () => clearInterval(poll));
    });
    expect(step.code).toBe(143);
    const pids = readPids(readFileSync(pidsFile, 'utf8'));
    expect(pids).toHaveLength(2);
    expect(pids.filter(isRunning)).toEqual([]);
  });

  it('run: reports no changes when the command changes nothing', async () => {
    const { run, peer } = await setUp((sha) => specFor(42, sha, { command: 'printf "looked around"' }));
    const step = await run('run');
    expect(step.code).toBe(0);
    expect(peer.results[0]).toMatchObject({ outcome: 'completed', changes: [], patch: '' });
    expect(step.outputs.conclusion).toBe('no_changes');
    // Output without a final newline still lets the runner see the resume command on its own line.
    expect(step.stdout).toMatch(/^looked around\n::agent-dispatch-[0-9a-f-]+::$/m);
  });

  it('run: refuses a checkout at another commit, telling the App why, without running the command', async () => {
    const { repo, run, peer, outside } = await setUp((sha, out) =>
      specFor(42, sha, { command: `touch ${out}/ran` }),
    );
    repo.git('commit', '--quiet', '--allow-empty', '-m', 'moved on');
    const step = await run('run');
    expect(step.code).toBe(1);
    expect(existsSync(join(outside, 'ran'))).toBe(false);
    const result = peer.results[0] as { outcome: string; report: { error: string } };
    expect(result.outcome).toBe('failed');
    expect(result.report.error).toContain('steps.task.outputs.sha');
  });

  it('run: refuses an engine this version does not know, telling the App', async () => {
    const { run, peer } = await setUp((sha) => ({
      ...specFor(42, sha),
      engine: { name: 'aider', command: null, model: 'x', version: '1.0.0' },
    }));
    const step = await run('run');
    expect(step.code).toBe(1);
    expect((peer.results[0] as { report: { error: string } }).report.error).toContain(
      'cannot run the "aider" engine',
    );
  });
});

/** Untrusted text with shell syntax that would create `pwned` if it ever reached a shell. */
function hostilePrompt(outside: string): string {
  return `Add hello.txt $(touch ${outside}/pwned) \`touch ${outside}/pwned\` "; touch ${outside}/pwned; "\n'; touch ${outside}/pwned; '`;
}
