// Job overhead: from the job's first step (the action's `prepare`) to the engine's first model
// request, with the real Claude Code CLI against the scripted model server — the committed
// bundle, run as a runner runs it (as this user: as root the engine gets an OS user of its own).
// Cold: an empty tool cache and an empty npm cache, so the CLI is downloaded from the npm
// registry as on every hosted runner. Warm: the CLI already in the tool cache (self-hosted
// runners, a cached tool directory). Beside them, as peers: `node -e 0` and the CLI's own
// `claude --version`. Writes the "Job overhead" section of docs/benchmarks.md.
//
//   npm run bench:job       (COLD=3 WARM=10 by default; TRACE=1 prints each run step's log, timed)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { CLAUDE_CODE_VERSION } from '../action/src/engines/claude-code-engine.ts';
import { npmEnvironment } from '../action/src/engines/run-npm.ts';
import { createRepo } from '../test/action/support/git-repo.ts';
import { runBundle } from '../test/action/support/run-bundle.ts';
import { specFor, startRunnerApiPeer } from '../test/action/support/runner-api-peer.ts';
import { CLAUDE_CODE_OFFLINE_ENV, ensureClaudeCode, sharedToolCache } from '../test/sim/model/claude-code.ts';
import { startScriptedModelServer } from '../test/sim/model/server.ts';
import { machineLine } from './support/machine.ts';
import { percentile, writeSection } from './support/results.ts';

const COLD = Number(process.env.COLD ?? 3);
const WARM = Number(process.env.WARM ?? 10);
const KEY = 'sk-ant-bench-key';
/** TRACE=1: print the run step's log lines with their time since the step's spawn. */
const TRACE = process.env.TRACE === '1';

type Phases = {
  /** prepare: spawn → exit (OIDC token, spec, outputs). */
  prepareMs: number;
  /** run: spawn → the line that says the CLI is ready (installed or found in the cache). */
  cliReadyMs: number;
  /** The CLI ready → its first request to the model server. */
  engineStartMs: number;
  /** The whole overhead: prepare's spawn → the first model request. */
  totalMs: number;
};

/** This machine's registry, proxy and CA settings, as a runner image would carry them. */
const machineNetwork = Object.fromEntries(
  Object.entries(npmEnvironment(process.env)).filter(
    ([name]) => !['PATH', 'HOME', 'TMPDIR', 'LANG'].includes(name),
  ),
);
const model = await startScriptedModelServer({ usage: { input_tokens: 100, output_tokens: 5 } });

async function oneJob(toolCache: string, npmCache: string): Promise<Phases> {
  const root = mkdtempSync(path.join(tmpdir(), 'bench-job-'));
  try {
    const repo = createRepo(root, { 'README.md': '# widgets\n' });
    const peer = await startRunnerApiPeer({
      taskId: 42,
      spec: {
        ...specFor(42, repo.sha, { prompt: 'Say done' }),
        engine: {
          name: 'claude-code',
          command: null,
          model: 'claude-sonnet-4-5',
          version: null,
          isolation: 'preferred',
        },
      },
    });
    model.requests.length = 0;
    model.script([{ text: 'done', stop: true }]);
    const env = {
      ...machineNetwork,
      RUNNER_TOOL_CACHE: toolCache,
      npm_config_cache: npmCache,
      ANTHROPIC_API_KEY: KEY,
      ANTHROPIC_BASE_URL: model.anthropicBaseUrl,
    };
    const runnerDir = path.join(root, 'runner');
    try {
      const start = Date.now();
      const prepared = await runBundle({ step: 'prepare', peer, workspace: repo.dir, runnerDir, env });
      if (prepared.code !== 0) throw new Error(`prepare failed: ${prepared.stdout}${prepared.stderr}`);
      const prepareMs = Date.now() - start;
      let cliReadyAt = Number.NaN;
      const run = await runBundle({
        step: 'run',
        peer,
        workspace: repo.dir,
        runnerDir,
        env,
        started: (child) => {
          let seen = '';
          child.stdout?.on('data', (chunk: Buffer) => {
            seen += chunk.toString('utf8');
            if (TRACE)
              for (const line of chunk.toString('utf8').split('\n'))
                if (line && !line.startsWith('::add-mask::'))
                  console.log(`${Date.now() - start - prepareMs} ms  ${line.slice(0, 160)}`);
            if (
              Number.isNaN(cliReadyAt) &&
              /Installed @anthropic-ai\/claude-code@\S+ in|@anthropic-ai\/claude-code@\S+ from the (tool cache|runner's PATH)/.test(
                seen,
              )
            )
              cliReadyAt = Date.now();
          });
        },
      });
      if (run.code !== 0) throw new Error(`run failed: ${run.stdout}${run.stderr}`);
      const first = model.requests[0];
      if (!first) throw new Error('the engine sent no model request');
      if (Number.isNaN(cliReadyAt))
        throw new Error(`no "CLI ready" line in the run step's log:\n${run.stdout}`);
      return {
        prepareMs,
        cliReadyMs: cliReadyAt - (start + prepareMs),
        engineStartMs: first.at - cliReadyAt,
        totalMs: first.at - start,
      };
    } finally {
      await peer.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Milliseconds from spawn to exit of a command, `runs` times after one warm-up. */
async function timeCommand(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  runs: number,
): Promise<number[]> {
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const started = Date.now();
      const child = spawn(file, args, { env, stdio: 'ignore' });
      child.once('error', reject);
      child.once('close', (code) =>
        code === 0 ? resolve(Date.now() - started) : reject(new Error(`${file} exited ${code}`)),
      );
    });
  await once();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  return times;
}

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), max: sorted[sorted.length - 1] ?? Number.NaN };
}

const load = () => loadavg()[0]!.toFixed(1);
const loadBefore = load();
const installed = await ensureClaudeCode();
const cold: Phases[] = [];
for (let i = 0; i < COLD; i++) {
  const toolCache = mkdtempSync(path.join(tmpdir(), 'bench-tool-cache-'));
  const npmCache = mkdtempSync(path.join(tmpdir(), 'bench-npm-cache-'));
  try {
    cold.push(await oneJob(toolCache, npmCache));
  } finally {
    rmSync(toolCache, { recursive: true, force: true });
    rmSync(npmCache, { recursive: true, force: true });
  }
  console.log(`cold ${i + 1}/${COLD}: ${JSON.stringify(cold.at(-1))}`);
}
const warm: Phases[] = [];
await oneJob(sharedToolCache(), path.join(tmpdir(), 'bench-npm-cache-unused')); // warm-up
for (let i = 0; i < WARM; i++) {
  warm.push(await oneJob(sharedToolCache(), path.join(tmpdir(), 'bench-npm-cache-unused')));
  console.log(`warm ${i + 1}/${WARM}: ${JSON.stringify(warm.at(-1))}`);
}
const nodeBare = await timeCommand(process.execPath, ['-e', '0'], { PATH: process.env.PATH }, 10);
const cliVersion = await timeCommand(
  installed.bin,
  ['--version'],
  { PATH: process.env.PATH, HOME: tmpdir(), ...CLAUDE_CODE_OFFLINE_ENV },
  10,
);
const loadAfter = load();
await model.close();

const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '—');
const cell = (runs: Phases[], key: keyof Phases) => {
  const s = stats(runs.map((r) => r[key]));
  return `${ms(s.p50)} / ${ms(s.max)}`;
};
const table = (['prepareMs', 'cliReadyMs', 'engineStartMs', 'totalMs'] as const)
  .map((key) => {
    const label = {
      prepareMs: '`prepare` step (spawn → exit)',
      cliReadyMs: '`run` step: spawn → CLI ready (download or cache)',
      engineStartMs: 'CLI ready → first model request',
      totalMs: '**first step → first model request**',
    }[key];
    return `| ${label} | ${cell(cold, key)} | ${cell(warm, key)} |`;
  })
  .join('\n');
const coldTotal = stats(cold.map((r) => r.totalMs)).p50;
const warmTotal = stats(warm.map((r) => r.totalMs)).p50;
const coldDownload = stats(cold.map((r) => r.cliReadyMs)).p50;
const warmReady = stats(warm.map((r) => r.cliReadyMs)).p50;
const engineStart = stats(warm.map((r) => r.engineStartMs)).p50;
const versionP50 = stats(cliVersion).p50;

const markdown = `## Job overhead

\`npm run bench:job\` — ${machineLine()} · 1-minute load average ${loadBefore} before, ${loadAfter} after

From the job's first step (the action's \`prepare\`, spawned as a runner spawns it) to the
engine's first request to the model server, with Claude Code ${CLAUDE_CODE_VERSION} (the real
CLI, scripted model; ${process.getuid?.() === 0 ? 'as root, so the engine runs as an OS user of its own' : 'as a normal user, so the engine is not isolated'}).
**Cold**: an empty tool cache and an empty npm cache — the CLI is downloaded from the npm registry
as on every hosted runner (${COLD} jobs). **Warm**: the CLI already in the tool cache (${WARM} jobs
after one warm-up). Milliseconds, p50 / max.

| Phase | cold | warm |
| --- | --- | --- |
${table}

Peers in the same run: \`node -e 0\` ${ms(stats(nodeBare).p50)} ms, \`claude --version\` ${ms(versionP50)} ms (p50 of 10).

${
  cold.length > 0
    ? `Cold, the first model request came ${ms(coldTotal)} ms after the job's first step, of which
${ms(coldDownload)} ms (${ms((coldDownload / coldTotal) * 100)} %) were the \`run\` step until the CLI was installed.`
    : 'No cold job ran (COLD=0).'
}
${
  warm.length > 0
    ? `Warm, it came after ${ms(warmTotal)} ms: ${ms(warmReady)} ms until the cached CLI was found, then
${ms(engineStart)} ms inside the engine (\`claude --version\` alone takes ${ms(versionP50)} ms).`
    : 'No warm job ran (WARM=0).'
}
`;
writeSection('job', markdown);
console.log(markdown);
