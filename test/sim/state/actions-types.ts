// Records for GitHub Actions: workflows found in the repository, their runs, jobs and deployment gates.

export type WorkflowRecord = {
  id: number;
  nodeId: string;
  repoId: number;
  path: string;
  name: string;
  createdAt: string;
  updatedAt: string;
};

export type RunStatus = 'requested' | 'queued' | 'pending' | 'waiting' | 'in_progress' | 'completed';
export type RunConclusion = 'success' | 'failure' | 'cancelled' | 'timed_out' | 'skipped' | null;

export type WorkflowRun = {
  id: number;
  nodeId: string;
  repoId: number;
  workflowId: number;
  workflowPath: string;
  name: string;
  displayTitle: string;
  runNumber: number;
  runAttempt: number;
  event: 'workflow_dispatch';
  status: RunStatus;
  conclusion: RunConclusion;
  headBranch: string;
  headSha: string;
  ref: string;
  actorId: number;
  inputs: Record<string, string>;
  checkSuiteId: number;
  jobIds: number[];
  createdAt: string;
  updatedAt: string;
  runStartedAt: string;
  abort: AbortController;
};

export type JobStep = {
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'cancelled' | 'skipped' | null;
  number: number;
  startedAt: string | null;
  completedAt: string | null;
};

export type Job = {
  id: number;
  nodeId: string;
  runId: number;
  repoId: number;
  jobKey: string;
  name: string;
  status: 'queued' | 'waiting' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'cancelled' | 'skipped' | null;
  environment: string | null;
  createdAt: string;
  startedAt: string;
  completedAt: string | null;
  steps: JobStep[];
  log: string;
  runnerName: string | null;
};

export type GateDecision = 'pending' | 'approved' | 'rejected';

export type Deployment = {
  id: number;
  nodeId: string;
  repoId: number;
  runId: number;
  environment: string;
  sha: string;
  ref: string;
  creatorId: number;
  createdAt: string;
  updatedAt: string;
};

export type Gate = {
  runId: number;
  jobId: number;
  environmentId: number;
  deploymentId: number;
  reviewers: GateDecision | 'not_required';
  reviewerComment: string | null;
  apps: Map<number, GateDecision>;
  settled: Promise<'approved' | 'rejected'>;
  settle: (outcome: 'approved' | 'rejected') => void;
  done: boolean;
};
