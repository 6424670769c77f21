import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAction, DIST, listFiles } from '../../scripts/build-action.ts';

describe('action/dist', () => {
  it('is exactly what the build makes from action/src (rebuild and commit when this fails)', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'agent-dispatch-bundle-'));
    try {
      await buildAction(fresh);
      expect(listFiles(DIST)).toEqual(listFiles(fresh));
      for (const file of listFiles(fresh)) {
        expect(
          readFileSync(join(DIST, file)).equals(readFileSync(join(fresh, file))),
          `action/dist/${file}`,
        ).toBe(true);
      }
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('is an ES module with no absolute paths of the machine that built it', () => {
    const bundle = readFileSync(join(DIST, 'index.js'), 'utf8');
    expect(JSON.parse(readFileSync(join(DIST, 'package.json'), 'utf8'))).toEqual({ type: 'module' });
    expect(bundle).not.toContain(process.cwd());
    expect(bundle).not.toMatch(/\brequire\(/);
  });
});
