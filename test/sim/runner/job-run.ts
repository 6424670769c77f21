// The state of one job while it runs: its status and how it was stopped, the environment the
// steps have built up (GITHUB_ENV, GITHUB_PATH), outputs, summaries, the log and annotations,
// and the expression contexts and process environment each step is given.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type ExpressionContext, type JobStatus, substitute } from './expressions.ts';
import type { StepFileResults } from './file-commands.ts';
import {
  createJobLayout,
  formatDuration,
  type JobLayout,
  machineEnv,
  runnerContext,
  runnerEnv,
} from './job-layout.ts';
import type { ExecuteJobOptions, PostStep, StepOutcome, StepResult } from './job-types.ts';
import { effectivePermissions } from './permissions.ts';
import type { Job } from './workflow.ts';
import { type Annotation, createStepLog, Masker, type StepLog } from './workflow-commands.ts';

type StepContext = { outputs: Record<string, string>; outcome: StepOutcome; conclusion: StepOutcome };

export class JobRun {
  readonly options: ExecuteJobOptions;
  readonly job: Job;
  readonly layout: JobLayout;
  readonly repository: string;
  readonly trackingId = `github_${randomUUID()}`;
  readonly masker = new Masker();
  readonly lines: string[] = [];
  readonly annotations: Annotation[] = [];
  readonly steps: StepResult[] = [];
  readonly outputs: Record<string, Record<string, string>> = {};
  readonly summaries: string[] = [];
  readonly posts: PostStep[] = [];
  /** GITHUB_STATE saved by an action's pre and main steps, by action id. */
  readonly actionState = new Map<string, Record<string, string>>();
  status: JobStatus = 'success';
  stopReason: 'cancelled' | 'timeout' | undefined;
  currentStep = 'Set up job';
  currentAction = '';
  #stepsContext: Record<string, StepContext> = {};
  #fileEnv: Record<string, string> = {};
  #prependPath: string[] = [];
  #workflowEnv: Record<string, string> = {};
  #jobEnv: Record<string, string> = {};
  #inputs: Record<string, string>;
  #protectedEnv: Record<string, string>;
  #stop = new AbortController();
  #cleanup: AbortController | undefined;
  #timers: NodeJS.Timeout[] = [];

  constructor(options: ExecuteJobOptions, job: Job) {
    this.options = options;
    this.job = job;
    const github = options.context.github;
    this.repository = options.env.GITHUB_REPOSITORY ?? String(github.repository ?? 'repository');
    this.layout = createJobLayout({
      workRoot: options.workRoot,
      toolCache: options.toolCache,
      repository: this.repository,
      event: github.event,
    });
    for (const value of Object.values(options.context.secrets)) this.masker.add(value);
    if (options.oidc) this.masker.add(options.oidc.requestToken);
    const permissions = effectivePermissions(
      options.workflow.permissions,
      job.permissions,
      options.defaultPermissions,
    );
    const oidcEnv: Record<string, string> =
      permissions['id-token'] === 'write' && options.oidc
        ? {
            ACTIONS_ID_TOKEN_REQUEST_URL: options.oidc.requestUrl,
            ACTIONS_ID_TOKEN_REQUEST_TOKEN: options.oidc.requestToken,
          }
        : {};
    // Runner-defined variables win over anything a workflow sets (GITHUB_* and RUNNER_* cannot
    // be overwritten); the caller's GITHUB_* values count as runner-defined.
    this.#protectedEnv = {
      ...Object.fromEntries(Object.entries(options.env).filter(([key]) => /^(GITHUB|RUNNER)_/.test(key))),
      ...runnerEnv(this.layout, options.jobId, this.trackingId),
      ...oidcEnv,
    };
    const defaults = Object.entries(options.workflow.on.workflow_dispatch?.inputs ?? {})
      .filter(([, input]) => input.default !== undefined)
      .map(([name, input]) => [name, input.default!]);
    this.#inputs = { ...Object.fromEntries(defaults), ...options.context.inputs };
  }

  get debug(): boolean {
    return this.options.context.secrets.ACTIONS_STEP_DEBUG === 'true';
  }

  emit(line: string): void {
    this.lines.push(line);
    this.options.onLog?.(line);
  }

  annotate(level: Annotation['level'], message: string, step = this.currentStep): void {
    this.annotations.push({ level, message: this.masker.mask(message), properties: {}, step });
  }

  makeLog(name: string): StepLog {
    return createStepLog({
      step: name,
      masker: this.masker,
      debug: this.debug,
      emit: (line) => this.emit(line),
      annotate: (annotation) => this.annotations.push(annotation),
    });
  }

  // ---- stopping: a cancel through options.signal, or the job timeout ----

  /** Arms the timeout and the cancel signal; returns the function that disarms them. */
  armStop(): () => void {
    const onCancel = () => this.stopJob('cancelled');
    this.options.signal.addEventListener('abort', onCancel, { once: true });
    this.#timers.push(setTimeout(() => this.stopJob('timeout'), this.job.timeoutMinutes * 60_000));
    if (this.options.signal.aborted) this.stopJob('cancelled');
    return () => {
      for (const timer of this.#timers) clearTimeout(timer);
      this.options.signal.removeEventListener('abort', onCancel);
    };
  }

  stopJob(reason: 'cancelled' | 'timeout'): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    this.status = 'cancelled';
    const messages =
      reason === 'timeout'
        ? [
            `The job has exceeded the maximum execution time of ${formatDuration(this.job.timeoutMinutes)}`,
            'The operation was canceled.',
          ]
        : ['The operation was canceled.'];
    for (const message of messages) {
      this.annotate('error', message);
      this.emit(`##[error]${message}`);
    }
    this.#stop.abort();
  }

  /** The signal that stops the next step: the job's, or after a stop, the cleanup deadline
   *  that bounds the `always()` and post steps. */
  stepSignal(): AbortSignal {
    if (!this.stopReason) return this.#stop.signal;
    if (!this.#cleanup) {
      const cleanup = new AbortController();
      this.#cleanup = cleanup;
      this.#timers.push(
        setTimeout(() => cleanup.abort(), (this.options.cleanupTimeoutMinutes ?? 5) * 60_000),
      );
    }
    return this.#cleanup.signal;
  }

  // ---- expressions and environment ----

  expressionContext(stepEnv: Record<string, string> = {}): ExpressionContext {
    const { github, secrets, vars } = this.options.context;
    return {
      contexts: {
        github: {
          ...github,
          token: github.token ?? secrets.GITHUB_TOKEN ?? '',
          workspace: this.layout.workspace,
          job: this.options.jobId,
          action: this.currentAction,
        },
        inputs: this.#inputs,
        secrets,
        vars,
        env: { ...this.#workflowEnv, ...this.#jobEnv, ...this.#fileEnv, ...stepEnv },
        steps: this.#stepsContext,
        job: { status: this.status },
        runner: runnerContext(this.layout),
        needs: {},
        matrix: {},
        strategy: {},
      },
      status: this.status,
    };
  }

  evaluateMap(map: Record<string, string>, stepEnv?: Record<string, string>): Record<string, string> {
    return Object.fromEntries(
      Object.entries(map).map(([key, value]) => [key, substitute(value, this.expressionContext(stepEnv))]),
    );
  }

  /** Evaluates `env:` of the workflow and the job; throws an ExpressionError. */
  evaluateJobEnv(): void {
    this.#workflowEnv = this.evaluateMap(this.options.workflow.env);
    this.#jobEnv = this.evaluateMap(this.job.env);
  }

  /** The process environment of a step: machine < caller < workflow < job < GITHUB_ENV <
   *  step < runner-defined, with GITHUB_PATH entries in front of PATH (latest first). */
  stepEnvironment(
    stepEnv: Record<string, string>,
    extra: Record<string, string> = {},
  ): Record<string, string> {
    const env: Record<string, string> = {
      ...machineEnv(this.layout),
      ...this.options.env,
      ...this.#workflowEnv,
      ...this.#jobEnv,
      ...this.#fileEnv,
      ...stepEnv,
      ...this.#protectedEnv,
      ...extra,
    };
    env.PATH = [...[...this.#prependPath].reverse(), env.PATH ?? ''].join(path.delimiter);
    return env;
  }

  /** Applies what a step wrote to its environment files. */
  applyFiles(stepId: string | undefined, files: StepFileResults): void {
    Object.assign(this.#fileEnv, files.env);
    for (const dir of files.paths) {
      const existing = this.#prependPath.indexOf(dir);
      if (existing !== -1) this.#prependPath.splice(existing, 1);
      this.#prependPath.push(dir);
    }
    if (files.summary !== '') this.summaries.push(files.summary);
    if (stepId) this.outputs[stepId] = { ...this.outputs[stepId], ...files.outputs };
  }

  record(result: StepResult): void {
    this.steps.push(result);
    if (result.conclusion === 'failure' && this.status !== 'cancelled') this.status = 'failure';
    if (result.outcome === 'cancelled') this.status = 'cancelled';
    if (result.id) {
      this.#stepsContext[result.id] = {
        outputs: this.outputs[result.id] ?? {},
        outcome: result.outcome,
        conclusion: result.conclusion,
      };
    }
  }
}
