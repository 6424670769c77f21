// Fails when the committed action/dist is not what scripts/build-action.ts makes from the
// current source (CI runs this: the runner executes the committed bundle, not the source).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAction, DIST, listFiles } from './build-action.ts';

const fresh = mkdtempSync(join(tmpdir(), 'agent-dispatch-bundle-'));
try {
  await buildAction(fresh);
  const problems: string[] = [];
  const committed = listFiles(DIST);
  const built = listFiles(fresh);
  for (const file of new Set([...committed, ...built])) {
    if (!committed.includes(file)) problems.push(`action/dist/${file} is missing`);
    else if (!built.includes(file)) problems.push(`action/dist/${file} is not made by the build`);
    else if (!readFileSync(join(DIST, file)).equals(readFileSync(join(fresh, file)))) {
      problems.push(`action/dist/${file} differs from a fresh build`);
    }
  }
  if (problems.length > 0) {
    console.error(`The committed action bundle is stale:\n  ${problems.join('\n  ')}`);
    console.error('Run `npm run build:action` and commit action/dist.');
    process.exitCode = 1;
  } else {
    console.log(`action/dist matches a fresh build of action/src (${built.join(', ')}).`);
  }
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
