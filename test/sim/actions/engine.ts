// The Actions engine: dispatched runs go queued → (waiting on their environment's gates) →
// in_progress → completed, sending `workflow_run` / `workflow_job` webhooks at each change; jobs run
// on the simulated runner with environment secrets released only after approval.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { SimCore } from '../core.ts';
import type { OidcIssuer } from '../oidc/issuer.ts';
import { executeJob } from '../runner/execute-job.ts';
import { effectivePermissions } from '../runner/permissions.ts';
import type { Workflow } from '../runner/workflow.ts';
import type { Job, WorkflowRun } from '../state/actions-types.ts';
import { findEnvironment } from '../state/environments.ts';
import { isoNow } from '../state/ids.ts';
import { mustRepo } from '../state/store.ts';
import type { PermissionLevel, Permissions } from '../state/types.ts';
import { createDispatchedRun, type DispatchRequest } from './dispatch.ts';
import { emitJob, emitProtectionRule, emitRun } from './emit.ts';
import { abandonGates, needsGate, openGate } from './gates.ts';
import { jobFacts } from './job-env.ts';

type OidcGrant = { jobId: number; claims: ReturnType<typeof jobFacts>['claims']; expiresAt: number };

export type ActionsEngine = {
  /** `uses:` value (e.g. `agent-dispatch/agent-dispatch@v1`, `./`) → local action directory. */
  actions: Record<string, string>;
  dispatch(repo: Parameters<typeof createDispatchedRun>[1], request: DispatchRequest): Promise<WorkflowRun>;
  cancel(run: WorkflowRun): void;
  oidcGrant(requestToken: string): OidcGrant | undefined;
  logToken(jobId: number): string;
  issuer: OidcIssuer | null;
};

function tokenPermissions(workflow: Workflow, jobKey: string): Permissions {
  const job = workflow.jobs[jobKey];
  const scopes = effectivePermissions(workflow.permissions, job?.permissions);
  const out: Permissions = {};
  for (const [scope, level] of Object.entries(scopes)) {
    if (level === 'none' || scope === 'id-token') continue;
    out[scope.replace(/-/g, '_')] = level as PermissionLevel;
  }
  return out;
}

export function createActionsEngine(core: () => SimCore): ActionsEngine {
  const grants = new Map<string, OidcGrant>();
  const logTokens = new Map<number, string>();
  const actionDirs: Record<string, string> = {};

  async function setStatus(run: WorkflowRun, status: WorkflowRun['status']) {
    run.status = status;
    run.updatedAt = isoNow(core().clock.now());
  }

  async function runJob(
    run: WorkflowRun,
    job: Job,
    workflow: Workflow,
  ): Promise<'success' | 'failure' | 'cancelled'> {
    const sim = core();
    const repo = mustRepo(sim.store, run.repoId);
    await emitJob(sim, run, job, 'queued');
    const environment = job.environment ? findEnvironment(sim, repo, job.environment) : undefined;
    if (environment && needsGate(environment)) {
      const gate = openGate(sim, run, job, environment);
      job.status = 'waiting';
      await setStatus(run, 'waiting');
      const deployment = sim.store.deployments.get(gate.deploymentId);
      await emitJob(sim, run, job, 'waiting', deployment);
      if (deployment) {
        for (const appId of environment.protectionRuleAppIds) {
          void emitProtectionRule(sim, run, appId, environment.name, deployment);
        }
      }
      const abandon = () => {
        gate.done = true;
        gate.settle('rejected');
      };
      if (run.abort.signal.aborted) abandon();
      else run.abort.signal.addEventListener('abort', abandon, { once: true });
      const outcome = await gate.settled;
      run.abort.signal.removeEventListener('abort', abandon);
      if (outcome === 'rejected') {
        const cancelled = run.abort.signal.aborted;
        job.status = 'completed';
        job.conclusion = cancelled ? 'cancelled' : 'failure';
        job.completedAt = isoNow(sim.clock.now());
        await emitJob(sim, run, job, 'completed');
        return cancelled ? 'cancelled' : 'failure';
      }
    }
    if (run.abort.signal.aborted) {
      job.status = 'completed';
      job.conclusion = 'cancelled';
      job.completedAt = isoNow(sim.clock.now());
      await emitJob(sim, run, job, 'completed');
      return 'cancelled';
    }
    job.status = 'in_progress';
    job.startedAt = isoNow(sim.clock.now());
    job.runnerName = 'GitHub Actions 1';
    if (run.status !== 'in_progress') {
      await setStatus(run, 'in_progress');
      await emitRun(sim, run, 'in_progress');
    }
    await emitJob(sim, run, job, 'in_progress');

    const jobToken = sim.tokens.issueJob({
      runId: run.id,
      jobId: job.id,
      repoId: repo.id,
      permissions: tokenPermissions(workflow, job.jobKey),
      expiresAt: sim.clock.now() + 24 * 3600_000,
    });
    const workRoot = path.join(sim.dataDir, 'work', String(job.id));
    await mkdir(workRoot, { recursive: true });
    const facts = jobFacts(sim, run, job, workflow, jobToken.token);
    const requestToken = randomBytes(24).toString('hex');
    grants.set(requestToken, { jobId: job.id, claims: facts.claims, expiresAt: Number.POSITIVE_INFINITY });
    const secrets = {
      ...Object.fromEntries(repo.secrets),
      ...(environment?.secrets ?? {}),
      GITHUB_TOKEN: jobToken.token,
    };
    const vars = { ...Object.fromEntries(repo.variables), ...(environment?.vars ?? {}) };
    try {
      const result = await executeJob({
        workflow,
        jobId: job.jobKey,
        checkout: { bareRepoPath: repo.gitDir, sha: run.headSha, ref: run.ref },
        context: { inputs: run.inputs, secrets, vars, github: facts.github },
        env: facts.env,
        oidc: { requestUrl: `${sim.url}/_oidc/token?api-version=2.0&job=${job.id}`, requestToken },
        actions: actionDirs,
        signal: run.abort.signal,
        workRoot,
        toolCache: sim.toolCacheDir,
        onLog: (line) => {
          job.log += `${line}\n`;
        },
      });
      job.log = result.log.endsWith('\n') ? result.log : `${result.log}\n`;
      job.steps = result.steps.map((step, index) => ({
        name: step.name,
        status: 'completed',
        conclusion: step.conclusion,
        number: index + 1,
        startedAt: job.startedAt,
        completedAt: isoNow(sim.clock.now()),
      }));
      job.conclusion = result.conclusion;
    } catch (error) {
      job.log += `##[error]${error instanceof Error ? error.message : String(error)}\n`;
      job.conclusion = 'failure';
    } finally {
      grants.delete(requestToken);
      sim.tokens.revoke(jobToken.token);
    }
    job.status = 'completed';
    job.completedAt = isoNow(sim.clock.now());
    await emitJob(sim, run, job, 'completed');
    return job.conclusion ?? 'failure';
  }

  async function lifecycle(run: WorkflowRun, workflow: Workflow) {
    const sim = core();
    await emitRun(sim, run, 'requested');
    let conclusion: 'success' | 'failure' | 'cancelled' = 'success';
    for (const jobId of run.jobIds) {
      const job = sim.store.jobs.get(jobId);
      if (!job) continue;
      if (conclusion !== 'success') {
        job.status = 'completed';
        job.conclusion = conclusion === 'cancelled' ? 'cancelled' : 'skipped';
        job.completedAt = isoNow(sim.clock.now());
        continue;
      }
      conclusion = await runJob(run, job, workflow);
    }
    run.conclusion = run.abort.signal.aborted ? 'cancelled' : conclusion;
    await setStatus(run, 'completed');
    await emitRun(sim, run, 'completed');
  }

  const engine: ActionsEngine = {
    actions: actionDirs,
    issuer: null,
    async dispatch(repo, request) {
      const sim = core();
      const { run, workflow } = await createDispatchedRun(sim, repo, request);
      void sim.work.track(lifecycle(run, workflow));
      return run;
    },
    cancel(run) {
      run.abort.abort();
      abandonGates(core(), run.id);
    },
    oidcGrant: (requestToken) => grants.get(requestToken),
    logToken(jobId) {
      let token = logTokens.get(jobId);
      if (!token) {
        token = randomBytes(16).toString('hex');
        logTokens.set(jobId, token);
      }
      return token;
    },
  };
  return engine;
}
