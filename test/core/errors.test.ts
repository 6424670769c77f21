import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError, ERROR_CODES, ERROR_KINDS, isErrorCode } from '../../src/core/errors.ts';
import { ERROR_MESSAGES } from '../../src/core/render/error-messages.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => readFileSync(path.join(e.parentPath, e.name), 'utf8'));
}

describe('the error model', () => {
  it('gives every code a status, a permanence and a sentence', () => {
    for (const code of ERROR_CODES) {
      expect(ERROR_KINDS[code].status).toBeGreaterThanOrEqual(400);
      expect(typeof ERROR_MESSAGES[code]).toBe('function');
    }
  });

  it('uses every code it defines, and stores only codes it defines', () => {
    const text = ['core', 'flows', 'queue', 'github', 'web', 'platform', 'boot']
      .flatMap((dir) => sources(path.join(ROOT, 'src', dir)))
      .join('\n');
    const used = new Set(
      [
        ...text.matchAll(
          /(?:new AppError\(|errorMessage\(|errorCode: |fallback: |'dispatch_failed' \| )'([a-z_]+)'/g,
        ),
      ].map((m) => m[1]),
    );
    // Codes a fallback union names (`'dispatch_failed' | 'publish_failed'`) count as used.
    for (const m of text.matchAll(/\| '([a-z_]+)'/g)) if (isErrorCode(m[1])) used.add(m[1]);
    for (const m of text.matchAll(/errorCode: '([a-z_]+)'/g)) expect(isErrorCode(m[1]), m[1]).toBe(true);
    expect(ERROR_CODES.filter((code) => !used.has(code))).toEqual([]);
  });

  it('carries its code, status and details, and a log line of them', () => {
    const error = new AppError('workflow_missing', { workflow: 'agent.yml', ref: 'main' });
    expect(error).toMatchObject({ code: 'workflow_missing', status: 422, permanent: true });
    expect(error.message).toBe(
      'The workflow `.github/workflows/agent.yml` was not found on `main`. Copy `workflows-templates/agent.yml` from Agent Dispatch into the repository (or set `workflow` in `.github/agent.yml`).',
    );
    expect(error.logFields()).toEqual({ code: 'workflow_missing', workflow: 'agent.yml', ref: 'main' });
  });
});
