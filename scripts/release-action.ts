// Releases the action: `npm run release:action -- X.Y.Z [--push]`.
//
//   1. refuses a dirty working tree, a version that is not newer than the latest vX.Y.Z tag or recorded release;
//   2. builds action/dist from action/src (and commits it when it changed), checks the bundle;
//   3. tags that commit vX.Y.Z (annotated) and moves the major tag vX to it;
//   4. pins workflows-templates/agent.yml to that commit's full SHA, `# vX.Y.Z` beside it, records
//      the release in action/releases.json (tags do not travel with every clone) and commits both
//      (the tagged commit cannot name its own SHA: the pin comes after);
//   5. with --push, pushes the branch, vX.Y.Z and (forced) vX to `origin`; otherwise prints the
//      commands. .github/workflows/release-action.yml runs this on GitHub.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildAction, ROOT } from './build-action.ts';
import {
  majorTagOf,
  parseReleases,
  parseVersion,
  pinTemplate,
  recordRelease,
  refuseVersion,
  tagOf,
} from './release/versions.ts';

const TEMPLATE = path.join(ROOT, 'workflows-templates', 'agent.yml');
const RECORD = path.join(ROOT, 'action', 'releases.json');

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function fail(message: string): never {
  process.stderr.write(`release-action: ${message}\n`);
  process.exit(1);
}

const { values, positionals } = parseArgs({
  options: { push: { type: 'boolean', default: false } },
  allowPositionals: true,
});
const version = parseVersion(positionals[0] ?? '');
if (!version || positionals.length !== 1) fail('usage: npm run release:action -- X.Y.Z [--push]');
if (git('status', '--porcelain') !== '')
  fail('the working tree has uncommitted changes; commit or stash them first');
const releases = parseReleases(existsSync(RECORD) ? readFileSync(RECORD, 'utf8') : undefined);
const known = [...git('tag', '--list', 'v*').split('\n').filter(Boolean), ...releases.map((r) => r.tag)];
const refusal = refuseVersion(version, known);
if (refusal) fail(refusal);
const tag = tagOf(version);
const major = majorTagOf(version);

await buildAction();
if (git('status', '--porcelain', '--', 'action/dist') !== '') {
  git('add', '--all', '--', 'action/dist');
  git('commit', '--quiet', '-m', `Build action/dist for ${tag}`);
}
execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'check-action-bundle.ts')], {
  cwd: ROOT,
  stdio: 'inherit',
});

const released = git('rev-parse', 'HEAD');
git('tag', '--annotate', tag, '--message', `Agent Dispatch action ${tag}`, released);
git(
  'tag',
  '--force',
  '--annotate',
  major,
  '--message',
  `Agent Dispatch action ${tag} (latest ${major})`,
  released,
);

writeFileSync(TEMPLATE, pinTemplate(readFileSync(TEMPLATE, 'utf8'), released, version));
const date = git('log', '-1', '--format=%cs', released);
writeFileSync(RECORD, recordRelease(releases, { tag, commit: released, date }));
// In the house format, so the lint gate passes on the commit that records it.
execFileSync(path.join(ROOT, 'node_modules', '.bin', 'biome'), ['format', '--write', RECORD], {
  cwd: ROOT,
  stdio: 'ignore',
});
git('add', '--', 'workflows-templates/agent.yml', 'action/releases.json');
git('commit', '--quiet', '-m', `Pin the workflow template to the action ${tag} (${released.slice(0, 12)})`);

const branch = git('rev-parse', '--abbrev-ref', 'HEAD');
const pushes = [
  ['push', 'origin', `HEAD:${branch}`, `refs/tags/${tag}`],
  ['push', '--force', 'origin', `refs/tags/${major}`],
];
process.stdout.write(`Released ${tag} at ${released}; ${major} points there; the template pins it.\n`);
if (values.push) {
  for (const args of pushes) git(...args);
  process.stdout.write(`Pushed ${branch}, ${tag} and ${major} to origin.\n`);
} else {
  process.stdout.write(`Publish it with:\n${pushes.map((args) => `  git ${args.join(' ')}`).join('\n')}\n`);
}
