// `npm run test:stress`: the whole suite twice at the same time on this machine, as when two
// people (or two CI jobs) run `npm test` side by side — each run with its own embedded Postgres,
// both sharing the machine's cores, ports, temporary directory and tool cache. Prints both
// results and exits non-zero if either failed or if the runs left anything in their temporary
// directory. A failure here is a real bug (a race, a shared resource, an assumption about
// timing): see docs/testing.md.
//
//   scripts/node scripts/test-stress.ts [--suites N] [-- <vitest arguments, e.g. test files>]
import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  createWriteStream,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { availableParallelism, hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(import.meta.dirname, '..');
const VITEST = path.join(ROOT, 'node_modules/vitest/vitest.mjs');

type Assertion = { fullName: string; status: string };
type JsonReport = {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  success: boolean;
  testResults: Array<{ name: string; status: string; message: string; assertionResults: Assertion[] }>;
};

type SuiteResult = {
  index: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  seconds: number;
  log: string;
  report: JsonReport | undefined;
  unhandledErrors: number;
};

const { values, positionals } = parseArgs({
  options: { suites: { type: 'string', default: '2' } },
  allowPositionals: true,
});
const suites = Number(values.suites);
if (!Number.isInteger(suites) || suites < 1) throw new Error('--suites takes a positive integer');

/** Kept on purpose: Node's compile cache (one per Node version, reused by every run). */
const CACHES = new Set(['node-compile-cache']);

const children: ChildProcess[] = [];
// Ctrl-C reaches the runs too (one process group): let them stop, then report and clean up.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {
  for (const child of children) child.kill('SIGTERM');
});

function runSuite(index: number, dir: string, tmp: string): Promise<SuiteResult> {
  const log = path.join(dir, `suite-${index}.log`);
  const json = path.join(dir, `suite-${index}.json`);
  // Each run starts its own embedded Postgres (test/support/global-postgres.ts) unless
  // DATABASE_URL names a server: leave it out, so the runs share nothing but the machine.
  const { DATABASE_URL: _shared, ...env } = process.env;
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [VITEST, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${json}`, ...positionals],
    {
      cwd: ROOT,
      env: { ...env, TMPDIR: tmp, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  const out = createWriteStream(log);
  child.stdout.pipe(out, { end: false });
  child.stderr.pipe(out, { end: false });
  return new Promise((resolve) => {
    child.once('close', (exitCode, signal) => {
      out.end(() => {
        const text = readFileSync(log, 'utf8');
        const caught = /Vitest caught (\d+) unhandled errors?/.exec(text);
        resolve({
          index,
          exitCode,
          signal,
          seconds: (performance.now() - started) / 1000,
          log,
          report: existsSync(json) ? (JSON.parse(readFileSync(json, 'utf8')) as JsonReport) : undefined,
          unhandledErrors: caught ? Number(caught[1]) : 0,
        });
      });
    });
  });
}

function passed(result: SuiteResult): boolean {
  return result.exitCode === 0 && result.report?.success === true && result.unhandledErrors === 0;
}

function describe(result: SuiteResult): string {
  const lines: string[] = [];
  const report = result.report;
  const verdict = passed(result) ? 'PASS' : 'FAIL';
  lines.push(
    `suite ${result.index}: ${verdict} in ${result.seconds.toFixed(1)} s (exit ${result.exitCode ?? result.signal})`,
  );
  if (report) {
    const skipped = report.numPendingTests + report.numTodoTests;
    const files = report.testResults.length;
    const filesPassed = report.testResults.filter((f) => f.status === 'passed').length;
    lines.push(
      `  tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped, ${report.numTotalTests} total` +
        ` · files: ${filesPassed} of ${files} passed`,
    );
    for (const file of report.testResults.filter((f) => f.status !== 'passed')) {
      const name = path.relative(ROOT, file.name);
      const failing = file.assertionResults.filter((a) => a.status === 'failed');
      if (failing.length === 0) lines.push(`  ✗ ${name}: ${file.message || 'the file failed'}`);
      for (const test of failing) lines.push(`  ✗ ${name} > ${test.fullName}`);
    }
  } else {
    lines.push('  no JSON report: the run did not finish');
  }
  if (result.unhandledErrors > 0) lines.push(`  ${result.unhandledErrors} unhandled error(s): see the log`);
  return lines.join('\n');
}

const dir = mkdtempSync(path.join(tmpdir(), 'agent-dispatch-stress-'));
// Both runs share one temporary directory (so they still meet there, as two runs on one /tmp
// do), and nothing else on the machine writes to it: what is left in it afterwards, they left.
// Open to all like /tmp: the embedded Postgres runs as the postgres user when started as root.
const tmp = mkdtempSync(path.join(tmpdir(), 'agent-dispatch-stress-tmp-'));
chmodSync(tmp, 0o1777);
const date = new Date();
console.log(
  `${date.toISOString()} · ${hostname()} · ${availableParallelism()} cores · Node ${process.versions.node} · ` +
    `${suites} suites at once${positionals.length > 0 ? ` (vitest ${positionals.join(' ')})` : ''}`,
);
console.log(`logs: ${dir} · TMPDIR of the runs: ${tmp}`);
const started = performance.now();
const results = await Promise.all(Array.from({ length: suites }, (_, i) => runSuite(i + 1, dir, tmp)));
const wall = (performance.now() - started) / 1000;

console.log('');
for (const result of results) console.log(describe(result));
const left = readdirSync(tmp).filter((entry) => !CACHES.has(entry));
if (left.length > 0) console.log(`left behind in TMPDIR: ${left.join(', ')}`);
rmSync(tmp, { recursive: true, force: true });
const ok = results.every(passed) && left.length === 0;
console.log(`\n${ok ? 'PASS' : 'FAIL'}: ${suites} suites at once, ${wall.toFixed(1)} s in all`);
if (ok) rmSync(dir, { recursive: true, force: true });
else {
  console.log(`logs kept in ${dir}`);
  process.exitCode = 1;
}
