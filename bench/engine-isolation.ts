// What running the engine as a user of its own costs a job: making the user (the privilege probe
// and useradd), handing a checkout over (chown, directory modes), taking it back (stopping the
// user's processes, the planted-file walk, chown back) and removing the user, on a checkout of
// FILES files. Runs as root, as the simulator's runner and container jobs do. Writes the
// "Engine isolation" section of docs/benchmarks.md.
//
//   npm run bench:isolation        (RUNS=10, FILES=2000 by default)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { openSandbox } from '../action/src/isolation/engine-sandbox.ts';
import { machineLine } from './support/machine.ts';
import { percentile, writeSection } from './support/results.ts';

const RUNS = Number(process.env.RUNS ?? 10);
const FILES = Number(process.env.FILES ?? 2000);

if (process.getuid?.() !== 0) {
  console.error('bench:isolation makes OS users: run it as root (as CI runs).');
  process.exit(1);
}

const root = mkdtempSync(path.join(tmpdir(), 'bench-isolation-'));
const checkout = path.join(root, 'work', 'widgets');
for (let i = 0; i < FILES; i++) {
  const dir = path.join(checkout, `dir-${i % 50}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `file-${i}.txt`), `line ${i}\n`);
}
const env = { RUNNER_TEMP: path.join(root, 'temp'), HOME: path.join(root, 'home') };
for (const dir of Object.values(env)) mkdirSync(dir, { recursive: true });

const phases = {
  open: [] as number[],
  enter: [] as number[],
  leave: [] as number[],
  dispose: [] as number[],
};
async function timed<T>(into: number[], work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  into.push(performance.now() - started);
  return result;
}

try {
  for (let run = 0; run < RUNS; run++) {
    const stateDir = mkdtempSync(path.join(env.RUNNER_TEMP, 'state-'));
    const sandbox = await timed(phases.open, () => openSandbox({ env, stateDir }));
    if (!sandbox.isolation.isolated) throw new Error(`not isolated: ${sandbox.isolation.reason}`);
    await timed(phases.enter, () => sandbox.enter(checkout));
    await timed(phases.leave, () => sandbox.leave());
    await timed(phases.dispose, () => sandbox.dispose());
    rmSync(stateDir, { recursive: true, force: true });
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}

const row = (name: string, values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `| ${name} | ${percentile(sorted, 50).toFixed(0)} | ${percentile(sorted, 90).toFixed(0)} |`;
};
const total = phases.open.map((_, i) =>
  [phases.open, phases.enter, phases.leave, phases.dispose].reduce(
    (sum, values) => sum + (values[i] ?? 0),
    0,
  ),
);
const markdown = `## Engine isolation

\`npm run bench:isolation\` — ${machineLine()} · \`nproc\` ${cpus().length} · as root

What running the engine as a user of its own adds to a job, ${RUNS} runs on a checkout of
${FILES} files in 50 directories, milliseconds (p50, p90):

| Phase | p50 | p90 |
| --- | --- | --- |
${row('make the user (privilege probe, useradd)', phases.open)}
${row('hand over (chown -R, kept files, directory modes)', phases.enter)}
${row('take back (stop its processes, planted-file walk, chown back, modes)', phases.leave)}
${row('remove the user and its directory', phases.dispose)}
${row('all of it', total)}

The engine itself is not started here: the figures are the isolation's own work around it.`;
console.log(markdown);
writeSection('isolation', markdown);
