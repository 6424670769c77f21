// Bundles the action (action/src/main.ts) into action/dist/index.js, the file action.yml
// runs. The bundle is committed: a runner executes it straight from the repository.
//
//   scripts/node scripts/build-action.ts            build into action/dist
//   scripts/node scripts/build-action.ts <dir>      build into another directory
//
// ESM, because the action's source is ESM and the repository's package.json says
// "type": "module"; a package.json beside the bundle says so again, so the bundle is read as
// ESM wherever action/dist ends up. Not minified, so a reviewer can read what runs.
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(ROOT, 'action', 'dist');

const BANNER =
  '// Agent Dispatch action, bundled by scripts/build-action.ts from action/src.\n' +
  '// Do not edit: change the source and run `npm run build:action`.';

export async function buildAction(outdir: string = DIST): Promise<void> {
  await build({
    absWorkingDir: ROOT, // paths in the bundle's comments are relative to the repository
    entryPoints: ['action/src/main.ts'],
    outfile: join(outdir, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    minify: false,
    sourcemap: false,
    legalComments: 'inline',
    charset: 'utf8',
    banner: { js: BANNER },
    logLevel: 'warning',
  });
  writeFileSync(join(outdir, 'package.json'), '{\n  "type": "module"\n}\n');
}

export function listFiles(directory: string): string[] {
  return readdirSync(directory).sort();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outdir = resolve(process.argv[2] ?? DIST);
  await buildAction(outdir);
  for (const file of listFiles(outdir)) {
    console.log(`${join(outdir, file)}  ${(statSync(join(outdir, file)).size / 1024).toFixed(1)} KiB`);
  }
}
