// A repository's setup as the Repositories page checks it: `.github/agent.yml` valid (each
// problem pointing at its field), the workflow on the default branch (there, readable, started by
// workflow_dispatch with a task_id input, least privilege, in the configured environment), and
// that environment. Each check has the doctor's shape (name, ok/fail/skip, what was found, the fix).
//
// Seam: the doctor (src/core/doctor, src/flows/doctor — the install work) checks the same and
// more. When it lands, `setupChecklist` becomes its repository checks over the facts it reads,
// and the page keeps rendering `Check[]`.
import { parse } from 'yaml';
import { CONFIG_PATH, loadRepoConfig } from '../../github/load-repo-config.ts';
import type { Octokit } from '../../github/octokit.ts';
import type { WebDeps } from '../web-deps.ts';

export type Check = { name: string; status: 'ok' | 'fail' | 'skip'; detail: string; fix?: string };

type Repo = { installationId: number; id: number; owner: string; name: string };

const status = (error: unknown) => (error as { status?: number }).status;
const reason = (error: unknown) =>
  `${status(error) ?? 'error'}: ${(error as Error).message?.split('\n')[0] ?? ''}`;

async function readText(octokit: Octokit, repo: Repo, path: string): Promise<string | null> {
  try {
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner: repo.owner,
      repo: repo.name,
      path,
      mediaType: { format: 'raw' },
    });
    return typeof data === 'string' ? data : Buffer.from(data as unknown as ArrayBuffer).toString('utf8');
  } catch (error) {
    if (status(error) === 404) return null;
    throw error;
  }
}

type Workflow = {
  on?: unknown;
  permissions?: unknown;
  jobs?: Record<string, { environment?: unknown; permissions?: unknown }>;
};

/** The workflow file's shape, judged from its parsed YAML. */
export function workflowChecks(path: string, text: string | null, environment: string): Check[] {
  const name = 'Workflow';
  if (text === null)
    return [
      {
        name,
        status: 'fail',
        detail: `${path} is not on the default branch`,
        fix: 'copy workflows-templates/agent.yml of Agent Dispatch there',
      },
    ];
  let doc: Workflow;
  try {
    doc = (parse(text) ?? {}) as Workflow;
  } catch (error) {
    return [
      {
        name,
        status: 'fail',
        detail: `${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
        fix: 'fix the YAML (or copy the template again)',
      },
    ];
  }
  const on = doc.on as
    | Record<string, { inputs?: Record<string, unknown> } | null>
    | string
    | string[]
    | undefined;
  const dispatchable =
    on === 'workflow_dispatch' ||
    (Array.isArray(on) && on.includes('workflow_dispatch')) ||
    (typeof on === 'object' && on !== null && !Array.isArray(on) && 'workflow_dispatch' in on);
  const inputs =
    typeof on === 'object' && on !== null && !Array.isArray(on) ? on.workflow_dispatch?.inputs : undefined;
  const jobs = Object.values(doc.jobs ?? {});
  const inEnvironment = jobs.some((job) => {
    const env = job.environment;
    return (
      env === environment ||
      (typeof env === 'object' && env !== null && (env as { name?: unknown }).name === environment)
    );
  });
  const oidc = jobs.some(
    (job) => (job.permissions as Record<string, unknown> | undefined)?.['id-token'] === 'write',
  );
  return [
    dispatchable && inputs && 'task_id' in inputs
      ? { name, status: 'ok', detail: `${path}: started by workflow_dispatch with a task_id input` }
      : {
          name,
          status: 'fail',
          detail: `${path} is not started by workflow_dispatch with a task_id input`,
          fix: 'keep the template’s on: workflow_dispatch with inputs.task_id',
        },
    inEnvironment
      ? { name: 'Workflow environment', status: 'ok', detail: `a job runs in the environment ${environment}` }
      : {
          name: 'Workflow environment',
          status: 'fail',
          detail: `no job runs in the environment ${environment}`,
          fix: `set environment: ${environment} on the agent job (or change environment in ${CONFIG_PATH})`,
        },
    oidc
      ? { name: 'Job permissions', status: 'ok', detail: 'a job asks for id-token: write' }
      : {
          name: 'Job permissions',
          status: 'fail',
          detail: 'no job asks for id-token: write, so the job cannot reach the App',
          fix: 'grant the job contents: read and id-token: write, as the template does',
        },
  ];
}

export async function setupChecklist(deps: WebDeps, repo: Repo): Promise<Check[]> {
  const octokit = deps.github.forRepo(repo.installationId, repo.id, 'doctor');
  let loaded: Awaited<ReturnType<typeof loadRepoConfig>>;
  try {
    loaded = await loadRepoConfig(octokit, repo.owner, repo.name);
  } catch (error) {
    return [
      {
        name: 'Configuration',
        status: 'fail',
        detail: `${CONFIG_PATH} could not be read (${reason(error)})`,
        fix: 'check that the App is installed on the repository with contents: read',
      },
    ];
  }
  if (!loaded.ok)
    return loaded.issues.map((issue) => ({
      name: 'Configuration',
      status: 'fail' as const,
      detail: `${CONFIG_PATH}: ${issue.field} ${issue.message}`,
      fix: `fix ${issue.field} in ${CONFIG_PATH} (schema: docs/agent-config.schema.json)`,
    }));
  const { workflow, environment } = loaded.config;
  const checks: Check[] = [
    {
      name: 'Configuration',
      status: 'ok',
      detail: `${CONFIG_PATH} is valid (or absent: the defaults apply)`,
    },
  ];
  const path = `.github/workflows/${workflow}`;
  try {
    checks.push(...workflowChecks(path, await readText(octokit, repo, path), environment));
  } catch (error) {
    checks.push({
      name: 'Workflow',
      status: 'fail',
      detail: `${path} could not be read (${reason(error)})`,
      fix: 'try again; if it persists, check the App’s contents permission',
    });
  }
  try {
    await octokit.request('GET /repos/{owner}/{repo}/environments/{environment_name}', {
      owner: repo.owner,
      repo: repo.name,
      environment_name: environment,
    });
    checks.push({ name: 'Environment', status: 'ok', detail: `the environment ${environment} exists` });
  } catch (error) {
    checks.push(
      status(error) === 404
        ? {
            name: 'Environment',
            status: 'fail',
            detail: `there is no environment ${environment}`,
            fix: `create it under Settings → Environments (add required reviewers to gate runs)`,
          }
        : { name: 'Environment', status: 'skip', detail: `could not be read (${reason(error)})` },
    );
  }
  return checks;
}
