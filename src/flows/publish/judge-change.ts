// The patch policy applied to a task's change: the pure judge (core/policy/evaluate-change.ts)
// says what it needs of the base, this reads exactly that, and asks again until it answers.
import type { Change, Report } from '../../contract/job-result.ts';
import { AppError } from '../../core/errors.ts';
import { type Evidence, type Judgement, judgeChange } from '../../core/policy/evaluate-change.ts';
import type { PolicySettings } from '../../core/policy/violation.ts';
import type { Task } from '../../core/task/task.ts';
import type { Octokit } from '../../github/octokit.ts';
import { readBaseTree, readBlobs } from './read-base.ts';

/** The judge needs the tree, then link targets, then file contents: never more rounds than this. */
const MAX_ROUNDS = 5;

/** The judge's answer; an accepted one carries the base commit's tree id when it was read (the
 *  commit then reuses it instead of reading the base commit again). */
export type Verdict =
  | Extract<Judgement, { kind: 'refused' }>
  | (Extract<Judgement, { kind: 'accepted' }> & { baseTree?: string });

export function policySettings(task: Task): PolicySettings {
  const limits = task.settings.limits;
  return {
    denyPaths: task.settings.policy['deny-paths'],
    allowPaths: task.settings.policy['allow-paths'],
    maxFiles: limits['max-files'],
    maxLines: limits['max-lines'],
    maxFileBytes: limits['max-file-bytes'],
  };
}

export async function judgeTaskChange(
  octokit: Octokit,
  task: Task,
  changes: Change[],
  report: Report,
): Promise<Verdict> {
  const settings = policySettings(task);
  const blobs = new Map<string, Buffer>();
  const evidence: Evidence = { blobs };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const judgement = judgeChange(changes, report, settings, evidence);
    switch (judgement.kind) {
      case 'refused':
        return judgement;
      case 'accepted':
        return evidence.base ? { ...judgement, baseTree: evidence.base.sha } : judgement;
      case 'needs-base':
        evidence.base = await readBaseTree(octokit, task);
        break;
      case 'needs-blobs':
        await readBlobs(octokit, task, judgement.shas, blobs);
        break;
    }
  }
  throw new AppError('publish_failed', { reason: 'the patch policy did not reach a decision' });
}
