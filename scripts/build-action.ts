// Bundles the action (action/src/main.ts) into action/dist/index.js, the file action.yml
// runs. The bundle is committed: a runner executes it straight from the repository.
//
//   scripts/node scripts/build-action.ts            build into action/dist
//   scripts/node scripts/build-action.ts <dir>      build into another directory
//
// ESM, because the action's source is ESM and the repository's package.json says
// "type": "module"; a package.json beside the bundle says so again, so the bundle is read as
// ESM wherever action/dist ends up. Not minified, so a reviewer can read what runs.
//
// Code splitting: what is imported dynamically — the Google Secret Manager client, a few MB —
// goes into action/dist/chunks/ and is loaded only when a gcp-sm:// reference is used, so a
// job that does not use it starts as fast as before. The banner gives the CommonJS code in the
// bundle the `require`, `__filename` and `__dirname` an ES module lacks.
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(ROOT, 'action', 'dist');

const BANNER = [
  '// Agent Dispatch action, bundled by scripts/build-action.ts from action/src.',
  '// Do not edit: change the source and run `npm run build:action`.',
  "import { createRequire as __agentDispatchCreateRequire } from 'node:module';",
  "import { fileURLToPath as __agentDispatchFileUrlToPath } from 'node:url';",
  'const require = __agentDispatchCreateRequire(import.meta.url);',
  'const __filename = __agentDispatchFileUrlToPath(import.meta.url);',
  "const __dirname = __agentDispatchFileUrlToPath(new URL('.', import.meta.url));",
].join('\n');

export async function buildAction(outdir: string = DIST): Promise<void> {
  // Chunk names carry content hashes: stale chunks of an earlier build must not linger.
  rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
  await build({
    absWorkingDir: ROOT, // paths in the bundle's comments are relative to the repository
    entryPoints: { index: 'action/src/main.ts' },
    outdir,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
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

/** Every file under `directory`, as paths relative to it, sorted. */
export function listFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)))
    .sort();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outdir = resolve(process.argv[2] ?? DIST);
  await buildAction(outdir);
  for (const file of listFiles(outdir)) {
    console.log(`${join(outdir, file)}  ${(statSync(join(outdir, file)).size / 1024).toFixed(1)} KiB`);
  }
}
