// A repository's setup, checked: the App installed, `.github/agent.yml` valid, the workflow
// present, dispatchable and least privilege, the environment present, the engine's key handed to
// the action. Facts in (read by flows/doctor), checks out. Pure.
import type { ConfigIssue, EngineName } from '../repo-config/schema.ts';
import { type Check, fail, ok, skip } from './checks.ts';
import { ENGINE_KEYS } from './engine-keys.ts';
import { analyseWorkflow, type WorkflowDocument } from './workflow-shape.ts';

/** Undefined: could not be read (the reason is in `error`). */
type Read<T> = { value: T } | { error: string };

export type RepoFacts = {
  fullName: string;
  installed: boolean;
  config:
    | { ok: true; workflow: string; environment: string; engines: EngineName[] }
    | { ok: false; issues: ConfigIssue[] };
  /** The workflow file on the default branch, parsed; null when it is not there. */
  workflow: Read<WorkflowDocument | null>;
  /** Whether the environment exists. */
  environment: Read<boolean>;
};

const unique = (texts: string[]) => [...new Set(texts)].join('; ');

const TEMPLATE = 'copy workflows-templates/agent.yml of Agent Dispatch to .github/workflows/agent.yml';

function workflowChecks(
  facts: RepoFacts,
  workflowPath: string,
  environment: string,
  publicUrl: string,
): Check[] {
  const name = 'Workflow';
  if ('error' in facts.workflow)
    return [
      fail(
        name,
        `\`${workflowPath}\` could not be read: ${facts.workflow.error}`,
        'retry; if it persists, check the App has contents: read',
        false,
      ),
    ];
  const file = facts.workflow.value;
  if (file === null) return [fail(name, `\`${workflowPath}\` is not on the default branch`, TEMPLATE, true)];
  const shape = analyseWorkflow(file, environment);
  const checks: Check[] = [
    shape.problems.length === 0
      ? ok(name, `\`${workflowPath}\`: dispatchable, least privilege (contents: read, id-token: write)`)
      : fail(
          name,
          `\`${workflowPath}\` ${unique(shape.problems.map((p) => p.message))}`,
          unique(shape.problems.map((p) => p.fix)),
          shape.problems.some((p) => p.blocking),
        ),
  ];
  const appUrl = shape.appUrl ?? '';
  if (/^https?:\/\//.test(appUrl) && appUrl.replace(/\/+$/, '') !== publicUrl) {
    checks.push(
      fail(
        'App URL',
        `the workflow sends the job to ${appUrl}, the App is at ${publicUrl}`,
        `set \`app-url\` to ${publicUrl} (or to \`\${{ vars.AGENT_DISPATCH_URL }}\`)`,
        true,
      ),
    );
  } else if (appUrl.includes('vars.')) {
    const variable = /vars\.([A-Za-z_][A-Za-z0-9_]*)/.exec(appUrl)?.[1] ?? 'AGENT_DISPATCH_URL';
    checks.push(
      ok('App URL', `from the variable ${variable}: it must be ${publicUrl} (the App cannot read variables)`),
    );
  }
  const engines = facts.config.ok ? facts.config.engines : [];
  const missing = engines.flatMap((engine) => {
    const key = ENGINE_KEYS[engine];
    return key && !shape.secrets.includes(key) ? [`${key} (${engine})`] : [];
  });
  const keys = engines.flatMap((engine) => ENGINE_KEYS[engine] ?? []);
  checks.push(
    missing.length > 0
      ? fail(
          'Engine key',
          `the run step does not pass ${missing.join(', ')}`,
          `add \`NAME: \${{ secrets.NAME }}\` for ${missing.map((m) => m.split(' ')[0]).join(', ')} to the run step's \`env\`, and store the secret in the \`${environment}\` environment`,
          true,
        )
      : ok(
          'Engine key',
          keys.length === 0
            ? 'the command engine needs no key'
            : `the run step passes ${keys.join(', ')}; keep the secret in the \`${environment}\` environment (the App cannot see secrets)`,
        ),
  );
  return checks;
}

export function decideRepoChecks(facts: RepoFacts, context: { publicUrl: string }): Check[] {
  if (!facts.installed) {
    return [
      fail(
        'Installed',
        `the App is not installed on ${facts.fullName}`,
        "install it: the App's page on GitHub → Install → choose the repository",
        true,
      ),
    ];
  }
  const checks: Check[] = [ok('Installed', `on ${facts.fullName}`)];
  if (!facts.config.ok) {
    checks.push(
      fail(
        '.github/agent.yml',
        facts.config.issues.map((issue) => `\`${issue.field}\`: ${issue.message}`).join('; '),
        'fix the file on the default branch (its schema: docs/agent-config.schema.json of Agent Dispatch)',
        true,
      ),
    );
    checks.push(skip('Workflow', 'not checked: the configuration names the workflow and environment'));
    return checks;
  }
  const { workflow, environment, engines } = facts.config;
  checks.push(
    ok(
      '.github/agent.yml',
      `valid (engines: ${engines.join(', ')}; workflow ${workflow}; environment ${environment})`,
    ),
  );
  checks.push(...workflowChecks(facts, `.github/workflows/${workflow}`, environment, context.publicUrl));
  const needsKey = engines.some((engine) => ENGINE_KEYS[engine] !== null);
  if ('error' in facts.environment) {
    checks.push(
      fail(
        'Environment',
        `\`${environment}\` could not be read: ${facts.environment.error}`,
        'retry; the App reads environments with actions: read',
      ),
    );
  } else if (facts.environment.value) {
    checks.push(ok('Environment', `\`${environment}\` exists`));
  } else {
    checks.push(
      fail(
        'Environment',
        `\`${environment}\` does not exist`,
        `create it (Settings → Environments → New environment \`${environment}\`)${needsKey ? ' with the engine key as a secret' : ''}; add required reviewers to gate runs`,
        needsKey,
      ),
    );
  }
  return checks;
}
