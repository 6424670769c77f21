// Whether the agent workflow of a repository is still what the App expects and still least
// privilege, from its parsed YAML (the repository's copy of workflows-templates/agent.yml; the
// flow parses the file). Pure.

/** The workflow file as YAML gave it, or why YAML could not read it. */
export type WorkflowDocument = { parsed: unknown } | { error: string };

export type WorkflowProblem = { message: string; fix: string; blocking: boolean };

export type WorkflowShape = {
  problems: WorkflowProblem[];
  /** Secrets the run step hands to the action (`NAME: ${{ secrets.NAME }}`). */
  secrets: string[];
  /** The `app-url` input: a literal URL, or the expression that gives it. */
  appUrl: string | undefined;
};

type Step = { uses?: unknown; run?: unknown; with?: Record<string, unknown>; env?: Record<string, unknown> };
type Job = { permissions?: unknown; environment?: unknown; steps?: Step[] };

const ACTION = /^agent-dispatch\/agent-dispatch@/i;
const FULL_SHA = /@[0-9a-f]{40}$/;
const ALLOWED = { contents: 'read', 'id-token': 'write' } as const;
const UNTRUSTED = /\$\{\{[^}]*\b(github\.event|inputs\.|github\.head_ref)/;

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function triggersOf(on: unknown): string[] {
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  return Object.keys(record(on));
}

function jobPermissionProblems(name: string, permissions: unknown): WorkflowProblem[] {
  const fix = `give job \`${name}\` exactly \`permissions: { contents: read, id-token: write }\``;
  if (typeof permissions === 'string') {
    return [{ message: `job \`${name}\` has \`permissions: ${permissions}\``, fix, blocking: false }];
  }
  const granted = record(permissions);
  const problems: WorkflowProblem[] = [];
  const extra = Object.entries(granted).filter(
    ([scope, level]) => level !== 'none' && ALLOWED[scope as keyof typeof ALLOWED] !== level,
  );
  if (extra.length > 0) {
    const list = extra.map(([scope, level]) => `${scope}: ${String(level)}`).join(', ');
    problems.push({ message: `job \`${name}\` asks for ${list}`, fix, blocking: false });
  }
  if (granted['id-token'] !== 'write') {
    problems.push({
      message: `job \`${name}\` has no \`id-token: write\`: the action cannot authenticate to the App`,
      fix,
      blocking: true,
    });
  }
  return problems;
}

export function analyseWorkflow(file: WorkflowDocument, environment: string): WorkflowShape {
  if ('error' in file) {
    const message = `is not valid YAML (${file.error})`;
    return {
      problems: [{ message, fix: 'copy workflows-templates/agent.yml again', blocking: true }],
      secrets: [],
      appUrl: undefined,
    };
  }
  const doc = record(file.parsed);
  const problems: WorkflowProblem[] = [];
  const triggers = triggersOf(doc.on);
  const inputs = record(record(record(doc.on).workflow_dispatch).inputs);
  if (!triggers.includes('workflow_dispatch') || !('task_id' in inputs)) {
    problems.push({
      message: 'does not start on `workflow_dispatch` with a `task_id` input: the App cannot dispatch it',
      fix: 'keep the `on: workflow_dispatch` block of the template',
      blocking: true,
    });
  }
  const others = triggers.filter((trigger) => trigger !== 'workflow_dispatch');
  if (others.length > 0) {
    problems.push({
      message: `also starts on ${others.map((t) => `\`${t}\``).join(', ')}`,
      fix: 'remove every trigger but `workflow_dispatch` (others run with secrets on code a stranger may control)',
      blocking: false,
    });
  }
  if (JSON.stringify(doc.permissions) !== '{}') {
    problems.push({
      message: 'does not set `permissions: {}` at the top',
      fix: 'set `permissions: {}` at the top',
      blocking: false,
    });
  }
  const secrets = new Set<string>();
  let appUrl: string | undefined;
  let usesAction = false;
  for (const [name, value] of Object.entries(record(doc.jobs))) {
    const job = value as Job;
    problems.push(...jobPermissionProblems(name, job.permissions));
    const env = typeof job.environment === 'string' ? job.environment : record(job.environment).name;
    if (env !== environment) {
      problems.push({
        message: `job \`${name}\` runs in environment \`${String(env ?? 'none')}\`, not \`${environment}\``,
        fix: `set \`environment: ${environment}\` on the job (or \`environment\` in .github/agent.yml)`,
        blocking: false,
      });
    }
    for (const step of Array.isArray(job.steps) ? job.steps : []) {
      if (typeof step.run === 'string' && UNTRUSTED.test(step.run)) {
        problems.push({
          message: `a \`run:\` line of job \`${name}\` expands event or input text`,
          fix: 'pass such values through `env:` and refer to them as shell variables',
          blocking: false,
        });
      }
      const uses = typeof step.uses === 'string' ? step.uses : '';
      if (!ACTION.test(uses)) continue;
      usesAction = true;
      if (!FULL_SHA.test(uses)) {
        problems.push({
          message: `\`${uses}\` is not pinned to a commit`,
          fix: 'pin the action by its full commit SHA, as the template does (README: "The action")',
          blocking: false,
        });
      }
      if (typeof step.with?.['app-url'] === 'string') appUrl = step.with['app-url'];
      for (const [key, envValue] of Object.entries(record(step.env))) {
        if (String(envValue).replace(/\s/g, '') === `\${{secrets.${key}}}`) secrets.add(key);
      }
    }
  }
  if (!usesAction) {
    problems.push({
      message: 'runs no `agent-dispatch/agent-dispatch` step',
      fix: 'copy workflows-templates/agent.yml again',
      blocking: true,
    });
  }
  return { problems, secrets: [...secrets].sort(), appUrl };
}
