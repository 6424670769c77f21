// The action's bundle size and cold start: from spawning `node action/dist/index.js` (a prepare
// step against a local runner-API peer) to its first line in the job log, against `node -e 0`
// and `node -e "console.log(1)"`; and the extra load of the lazily imported Secret Manager
// client chunk. Writes the "Action" section of docs/benchmarks.md.
//
//   npm run bench:action            (RUNS=30 by default)
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { specFor, startRunnerApiPeer } from '../test/action/support/runner-api-peer.ts';
import { machineLine } from './support/machine.ts';
import { percentile, writeSection } from './support/results.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIST = path.join(ROOT, 'action', 'dist');
const RUNS = Number(process.env.RUNS ?? 30);

type Timing = { firstLineMs: number; exitMs: number };

/** Spawns `args` with `env`; times the first byte on stdout and the exit. */
function time(args: string[], env: Record<string, string>): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - started) / 1e6;
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let firstLineMs = Number.NaN;
    child.stdout.once('data', () => {
      firstLineMs = ms();
    });
    child.stdout.resume();
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`${args.join(' ')} exited with ${code}`));
      else resolve({ firstLineMs, exitMs: ms() });
    });
  });
}

async function series(args: string[], env: Record<string, string>) {
  await time(args, env); // warm the file cache
  const runs: Timing[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await time(args, env));
  const stats = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p90: percentile(sorted, 90) };
  };
  return { firstLine: stats(runs.map((r) => r.firstLineMs)), exit: stats(runs.map((r) => r.exitMs)) };
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function distFiles(): { file: string; bytes: number; gzip: number }[] {
  return readdirSync(DIST, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
    .map((entry) => {
      const full = path.join(entry.parentPath, entry.name);
      return {
        file: path.relative(DIST, full),
        bytes: statSync(full).size,
        gzip: gzipSync(readFileSync(full)).length,
      };
    })
    .sort((a, b) => b.bytes - a.bytes);
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    return line?.split(':')[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  } catch {
    return cpus()[0]?.model ?? 'unknown';
  }
}

const peer = await startRunnerApiPeer({ taskId: 42, spec: specFor(42, 'a'.repeat(40)) });
const dir = mkdtempSync(path.join(tmpdir(), 'bench-action-'));
const event = path.join(dir, 'event.json');
const output = path.join(dir, 'output');
writeFileSync(event, JSON.stringify({ inputs: { task_id: '42' } }));
const actionEnv = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: dir,
  GITHUB_EVENT_NAME: 'workflow_dispatch',
  GITHUB_EVENT_PATH: event,
  GITHUB_OUTPUT: output,
  ACTIONS_ID_TOKEN_REQUEST_URL: peer.oidc.requestUrl,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: peer.oidc.requestToken,
  INPUT_STEP: 'prepare',
  'INPUT_APP-URL': peer.url,
};
writeFileSync(output, '');

try {
  const bare = await series(['-e', '0'], { PATH: actionEnv.PATH });
  const print = await series(['-e', 'console.log(1)'], { PATH: actionEnv.PATH });
  const action = await series([path.join(DIST, 'index.js')], actionEnv);
  const secretChunk = distFiles().find((f) =>
    readFileSync(path.join(DIST, f.file), 'utf8').includes('secretmanager.googleapis.com'),
  );
  const lazy = secretChunk
    ? await series(
        [
          '--input-type=module',
          '-e',
          `await import(${JSON.stringify(path.join(DIST, secretChunk.file))}); console.log(1)`,
        ],
        { PATH: actionEnv.PATH },
      )
    : null;

  const files = distFiles();
  const index = files.find((f) => f.file === 'index.js')!;
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  const ms = (n: number) => n.toFixed(0);
  const markdown = `## Action

\`npm run bench:action\` — ${machineLine()} · \`nproc\` ${cpus().length} · ${cpuModel()}

**Bundle.** What a runner loads for every job is \`action/dist/index.js\`: ${kib(index.bytes)}
(${kib(index.gzip)} gzipped). With \`@actions/core\` (OIDC token, masking, outputs, summary) it
carries its HTTP client and undici; the first version, which wrote the runner protocols by hand,
was 49.1 KiB (50,246 bytes). The Google Secret Manager client (google-gax, protobufjs, google-auth-library) is split
into \`action/dist/chunks/\` and imported only when an engine key is a \`gcp-sm://\` reference:
${files.length - 1} chunk files, ${kib(total - index.bytes)} in all (the largest
${secretChunk ? `\`${secretChunk.file}\`, ${kib(secretChunk.bytes)}` : 'none'}).

**Cold start.** A \`prepare\` step against a local runner-API peer on 127.0.0.1 (it fetches the
OIDC token and the spec); ${RUNS} runs each after one warm-up, milliseconds from spawn. The first
line is the first byte the process writes to stdout. Taken on a shared two-core machine: the p90
column carries the noise of whatever else ran.

| Process | first line p50 | first line p90 | exit p50 | exit p90 |
| --- | --- | --- | --- | --- |
| \`node -e 0\` | — | — | ${ms(bare.exit.p50)} | ${ms(bare.exit.p90)} |
| \`node -e "console.log(1)"\` | ${ms(print.firstLine.p50)} | ${ms(print.firstLine.p90)} | ${ms(print.exit.p50)} | ${ms(print.exit.p90)} |
| the action, \`step: prepare\` | ${ms(action.firstLine.p50)} | ${ms(action.firstLine.p90)} | ${ms(action.exit.p50)} | ${ms(action.exit.p90)} |
${lazy ? `| \`import()\` of the Secret Manager chunk | ${ms(lazy.firstLine.p50)} | ${ms(lazy.firstLine.p90)} | ${ms(lazy.exit.p50)} | ${ms(lazy.exit.p90)} |\n` : ''}
The action's first line comes after Node has loaded and compiled the bundle; its cost over
\`node -e "console.log(1)"\` is the price of the bundle. The Secret Manager chunk is paid only by
jobs whose key is a \`gcp-sm://\` reference.`;
  console.log(markdown);
  writeSection('action', markdown);
} finally {
  await peer.close();
  rmSync(dir, { recursive: true, force: true });
}
