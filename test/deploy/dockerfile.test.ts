// The Dockerfile, linted (dockerfile-utils, the linter of the Dockerfile language server) and its
// instructions held to what docs/deploy.md promises: multi-stage, Node 24, production
// dependencies only, non-root, a HEALTHCHECK on /readyz, the App started with node.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { DOCKERFILE_TEXT, execForm, ROOT, stages } from '../support/dockerfile.ts';

describe('Dockerfile', () => {
  const all = stages();
  const final = all.at(-1);
  const instructions = (keyword: string) => final?.instructions.filter((i) => i.keyword === keyword) ?? [];

  it('passes the linter', () => {
    expect(validate(DOCKERFILE_TEXT).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('is caught by the linter when it is wrong', () => {
    const broken = DOCKERFILE_TEXT.replace('HEALTHCHECK --interval=30s', 'HEALTHCHECK --intervall=30s');
    expect(validate(broken).map((d) => d.message)).toContain('Unknown flag: intervall');
  });

  it('builds in two stages on Node 24, installing production dependencies only, without install scripts', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const stage of all) expect(stage.image).toMatch(/^node:24(-|$)/);
    const install = all[0]?.instructions.find((i) => i.keyword === 'RUN')?.text ?? '';
    expect(install).toMatch(/^npm ci --omit=dev (--omit=optional )?--ignore-scripts /);
    expect(
      instructions('COPY').some(
        (i) => i.text.startsWith(`--from=${all[0]?.name} `) || i.args[0] === '/app/node_modules',
      ),
    ).toBe(true);
    expect(instructions('RUN')).toEqual([]);
  });

  it('copies what the App reads at run time and nothing of the tests', () => {
    const copied = instructions('COPY').flatMap((i) => i.args.slice(0, -1));
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'app.yml', 'migrations', 'src']));
    expect(copied).not.toContain('test');
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8');
    for (const entry of ['.git', '.env', 'node_modules', '.data'])
      expect(ignored).toMatch(new RegExp(`^${entry.replace('.', '\\.')}$`, 'm'));
  });

  it('runs as a user other than root, listens on all interfaces, and checks /readyz', () => {
    const user = instructions('USER').at(-1)?.args[0];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    const env = instructions('ENV').flatMap((i) => i.args);
    expect(env).toEqual(expect.arrayContaining(['NODE_ENV=production', 'HOST=0.0.0.0', 'PORT=3000']));
    const health = instructions('HEALTHCHECK')[0]?.text ?? '';
    expect(health).toMatch(/CMD \["node", "src\/boot\/healthcheck\.ts"\]$/);
    expect(readFileSync(path.join(ROOT, 'src/boot/healthcheck.ts'), 'utf8')).toContain("'/readyz'");
  });

  it('starts the App with node itself, in exec form, so SIGTERM reaches it', () => {
    const cmd = instructions('CMD');
    expect(cmd).toHaveLength(1);
    expect(execForm(cmd[0]?.text ?? '')).toEqual(['node', 'src/boot/main.ts']);
  });
});
