// The types of the simulated runner's job API.
import type { CheckoutDetails } from './checkout.ts';
import type { StepFileResults } from './file-commands.ts';
import type { DefaultTokenPermissions } from './permissions.ts';
import type { Workflow } from './workflow.ts';
import type { Annotation, StepLog } from './workflow-commands.ts';

export type StepOutcome = 'success' | 'failure' | 'skipped' | 'cancelled';

export type StepResult = {
  id?: string;
  name: string;
  uses?: string;
  outcome: StepOutcome;
  /** The outcome after `continue-on-error`. */
  conclusion: StepOutcome;
  skippedReason?: string;
  exitCode?: number | null;
  /** What the simulated runner did for a step it implements itself (checkout). */
  details?: CheckoutDetails;
};

export type JobResult = {
  /** A job stopped by its timeout concludes `cancelled`, as on GitHub, with `timedOut`. */
  conclusion: 'success' | 'failure' | 'cancelled';
  timedOut: boolean;
  steps: StepResult[];
  /** Step id → the outputs that step wrote to GITHUB_OUTPUT. */
  outputs: Record<string, Record<string, string>>;
  summary: string;
  log: string;
  annotations: Annotation[];
  workspace: string;
  /** Everything the job wrote lives under here; the caller removes it. */
  workRoot: string;
};

export type ExecuteJobOptions = {
  workflow: Workflow;
  jobId: string;
  checkout: { bareRepoPath: string; sha: string; ref: string };
  context: {
    inputs: Record<string, string>;
    secrets: Record<string, string>;
    vars: Record<string, string>;
    /** The github context; the event payload under `event`. */
    github: Record<string, unknown>;
  };
  /** GITHUB_* variables computed by the caller (repository, run id, API URL, …). */
  env: Record<string, string>;
  oidc?: { requestUrl: string; requestToken: string };
  /** `uses:` value (or the value without `@ref`) → local directory holding action.yml. */
  actions: Record<string, string>;
  signal: AbortSignal;
  onLog?: (line: string) => void;
  workRoot?: string;
  /** Shared tool cache (RUNNER_TOOL_CACHE); default ~/.cache/agent-dispatch/runner-tool-cache. */
  toolCache?: string;
  /** SIGINT → SIGTERM grace when a step is stopped. Default 7500 ms. */
  killGraceMs?: number;
  /** Time `always()`/post steps may take after a cancel or timeout. Default 5 minutes. */
  cleanupTimeoutMinutes?: number;
  /** The repository's default GITHUB_TOKEN permissions for workflows that set none. */
  defaultPermissions?: DefaultTokenPermissions;
};

/** What running one step produced, before the job records it. */
export type StepRun = {
  outcome: StepOutcome;
  exitCode?: number | null;
  files?: StepFileResults;
  details?: CheckoutDetails;
  skippedReason?: string;
};

/** A step to run at the end of the job (an action's `post`, checkout's credential removal). */
export type PostStep = {
  name: string;
  actionId: string;
  condition: string;
  run: (signal: AbortSignal, log: StepLog) => Promise<StepRun>;
};
