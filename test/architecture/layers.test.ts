// The shape of the code, held as tests: src/core does no I/O (the Biome rule that says so fails on
// a violation), SQL lives in src/store, files stay small, and the App and the action share one
// wire contract.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

function tsFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('src/core imports nothing with I/O', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'agent-dispatch-lint-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const PROBE = [
    "import { readFileSync } from 'node:fs';",
    "import pg from 'pg';",
    "import { getTask } from '../../store/tasks.ts';",
    '',
    'export const probe = [pg, getTask, readFileSync, process.env.HOME];',
    '',
  ].join('\n');

  function lint(file: string): string[] {
    const config = JSON.parse(read('biome.json')) as Record<string, unknown>;
    delete config.vcs;
    delete config.$schema;
    writeFileSync(path.join(dir, 'biome.json'), JSON.stringify(config));
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), PROBE);
    const biome = spawnSync(path.join(ROOT, 'node_modules/.bin/biome'), ['lint', '--reporter=json', file], {
      cwd: dir,
      encoding: 'utf8',
    });
    const report = JSON.parse(biome.stdout) as { diagnostics: { category: string }[] };
    return report.diagnostics.map((d) => d.category).sort();
  }

  it('refuses node modules, pg, the store and process.env in src/core', () => {
    expect(lint('src/core/task/probe.ts')).toEqual([
      'lint/correctness/noNodejsModules',
      'lint/correctness/noProcessGlobal',
      'lint/style/noProcessEnv',
      'lint/style/noRestrictedImports',
      'lint/style/noRestrictedImports',
    ]);
  });

  it('lets a flow import the same things', () => {
    expect(lint('src/flows/probe.ts')).toEqual([]);
  });

  it('holds today: no file of src/core or src/contract imports I/O', () => {
    for (const file of [...tsFiles('src/core'), ...tsFiles('src/contract')]) {
      const imports = [...read(file).matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      const outside = imports.filter(
        (i) => !i.startsWith('.') && i !== 'zod' && i !== 'picomatch' && i !== 'croner',
      );
      const layers = imports.filter((i) => /\/(store|flows|github|queue|platform|boot|web)\//.test(i));
      expect({ file, outside, layers }).toEqual({ file, outside: [], layers: [] });
    }
  });
});

describe('SQL lives in src/store', () => {
  const SQL =
    /['"`]\s*(?:select\s|insert\s+into\s|update\s+\w+\s+set\s|delete\s+from\s|with\s+\w+\s+as\s|begin['"`]|commit['"`])/i;
  it.each(tsFiles('src').filter((f) => !f.startsWith('src/store/')))('%s holds no SQL', (file) => {
    const text = read(file);
    expect(text.includes('.query(') || text.includes('.query<'), 'a query call').toBe(false);
    expect(SQL.exec(text)?.[0], 'an SQL literal').toBeUndefined();
  });
});

describe('files stay small', () => {
  it.each([...tsFiles('src'), ...tsFiles('action/src')])('%s has at most 300 lines', (file) => {
    expect(read(file).split('\n').length - 1).toBeLessThanOrEqual(300);
  });
});

describe('one wire contract', () => {
  it('the action validates with the App’s contract and keeps no schema of its own', () => {
    const action = tsFiles('action/src').map(read).join('\n');
    for (const module of [
      'task-spec.ts',
      'job-result.ts',
      'runner-messages.ts',
      'task-states.ts',
      'secret-reference.ts',
    ])
      expect(action).toContain(`src/contract/${module}'`);
    expect(action).not.toMatch(/from 'zod'/);
    expect(action).not.toMatch(/gcp-sm:\\\/\\\//);
  });

  it('the App finds its runs by the title the contract makes', () => {
    const app = tsFiles('src')
      .filter((f) => !f.startsWith('src/contract/'))
      .map(read)
      .join('\n');
    expect(app).not.toMatch(/agent task \\d|\^agent task/);
  });
});
