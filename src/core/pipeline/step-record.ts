// One run of a pipeline step as recorded (task_steps): what it was, how it ended, what it handed on.
import type { HandoffKind } from './pipeline.ts';

export type StepRecord = {
  taskId: number;
  attempt: number;
  stepIndex: number;
  round: number;
  name: string;
  handoff: HandoffKind;
  engine: string;
  state: 'running' | 'done' | 'failed';
  handoffText: string | null;
  handoffSha256: string | null;
  verdict: 'approve' | 'changes' | null;
  commentId: number | null;
  commentDigest: string | null;
  feedback: string | null;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
};

export type ApprovalRecord = {
  taskId: number;
  attempt: number;
  kind: 'plan';
  sha256: string;
  approverLogin: string;
  approverId: number;
  via: string;
  createdAt: Date;
  supersededAt: Date | null;
};
