// The reliability settings of the App (read once by config/read-config.ts from the environment).
import type { PacingLimits } from '../../core/pacing/write-pacing.ts';

import type { LostRunPolicy } from '../../core/reconcile/decide-sweep.ts';

export type { LostRunPolicy };

export type SweepThresholds = {
  /** A queued task older than this gets a start-queued job (its repository may have a free slot). */
  queuedAfterMs: number;
  /** Live tasks that have not changed for this long are checked against their run on GitHub. */
  dispatchedAfterMs: number;
  waitingAfterMs: number;
  runningAfterMs: number;
  /** A task publishing this long gets its (idempotent) publish job again. */
  publishingAfterMs: number;
};

export type ReliabilityConfig = {
  /** Content-creating requests per installation across every replica. */
  githubWrites: PacingLimits;
  sweep: SweepThresholds & {
    /** A run that vanished or completed without a result: end the task, or dispatch it once more. */
    lostRun: LostRunPolicy;
  };
  retention: {
    /** Webhook payloads are dropped this long after they were processed. */
    deliveryPayloadDays: number;
    /** Delivery records, once-only effect records and redelivery records are deleted after this. */
    recordDays: number;
  };
  redelivery: {
    /** How far back to look for failed deliveries (GitHub keeps them about 3 days). */
    windowHours: number;
  };
  /** A queue worker pool that has not heartbeated for this long is dead; its jobs are released. */
  workerStaleAfterMs: number;
};
