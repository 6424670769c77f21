// Where a pipeline goes after a step, pure: the built-in plan pipeline waits for approval after
// its plan, a review loop runs at most max-rounds reviews, and the end publishes or has no changes.
import { describe, expect, it } from 'vitest';
import { decideAfterApproval, decideAfterStep } from '../../../src/core/pipeline/decide-step.ts';
import {
  type Pipeline,
  pullRequestReviewStep,
  resolvePipeline,
} from '../../../src/core/pipeline/pipeline.ts';
import { parseRepoConfig } from '../../../src/core/repo-config/schema.ts';

function configOf(raw: Record<string, unknown>) {
  const parsed = parseRepoConfig({ engine: 'command', command: 'true', ...raw });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.config;
}

describe('decideAfterStep', () => {
  it('the built-in plan pipeline: plan, wait for approval, implement, publish', () => {
    const plan = resolvePipeline('plan', configOf({}))!;
    expect(plan.steps.map((s) => [s.name, s.handoff, s.approval])).toEqual([
      ['plan', 'plan', true],
      ['implement', 'diff', false],
    ]);
    const end = { verdict: null, hasDiff: false };
    expect(decideAfterStep(plan, { index: 0, round: 1 }, end)).toEqual({ kind: 'await_approval' });
    expect(decideAfterApproval(plan, 0, false)).toEqual({ kind: 'run', index: 1, round: 1 });
    expect(decideAfterStep(plan, { index: 1, round: 1 }, { verdict: null, hasDiff: true })).toEqual({
      kind: 'publish',
      unresolved: false,
    });
    expect(decideAfterStep(plan, { index: 1, round: 1 }, end)).toEqual({ kind: 'no_changes' });
  });

  it('a review loop runs at most max-rounds reviews, then goes on unresolved', () => {
    const config = configOf({
      pipelines: {
        reviewed: {
          steps: [
            { name: 'implement', handoff: 'diff' },
            { name: 'review', handoff: 'review', 'max-rounds': 3 },
          ],
        },
      },
    });
    const pipeline = resolvePipeline('reviewed', config) as Pipeline;
    const changes = { verdict: 'changes' as const, hasDiff: true };
    expect(decideAfterStep(pipeline, { index: 1, round: 1 }, changes)).toEqual({
      kind: 'run',
      index: 0,
      round: 2,
    });
    // The fix goes back to the review, in the same round.
    expect(decideAfterStep(pipeline, { index: 0, round: 2 }, { verdict: null, hasDiff: true })).toEqual({
      kind: 'run',
      index: 1,
      round: 2,
    });
    expect(decideAfterStep(pipeline, { index: 1, round: 2 }, changes)).toEqual({
      kind: 'run',
      index: 0,
      round: 3,
    });
    expect(decideAfterStep(pipeline, { index: 1, round: 3 }, changes)).toEqual({
      kind: 'publish',
      unresolved: true,
    });
    expect(decideAfterStep(pipeline, { index: 1, round: 1 }, { verdict: 'approve', hasDiff: true })).toEqual({
      kind: 'publish',
      unresolved: false,
    });
  });

  it('refuses a config whose review has nothing to fix, or approval on the last step', () => {
    const bad = parseRepoConfig({
      engine: 'command',
      command: 'true',
      pipelines: {
        a: { steps: [{ name: 'review', handoff: 'review' }] },
        b: { steps: [{ name: 'plan', handoff: 'plan', approval: true }] },
      },
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.issues.map((i) => i.field).sort()).toEqual([
        'pipelines.a.steps.0.fix',
        'pipelines.b.steps.0.approval',
      ]);
  });

  it('a review of the pull request: the diff is published first, and the review ends by being posted', () => {
    const config = configOf({
      pipelines: {
        checked: {
          steps: [
            { name: 'implement', handoff: 'diff' },
            { name: 'review', handoff: 'review', 'pull-request': true },
          ],
        },
      },
    });
    const pipeline = resolvePipeline('checked', config)!;
    expect(pipeline.steps[1]!.review).toEqual({ maxRounds: 1, fix: 0, pullRequest: true });
    expect(pullRequestReviewStep(pipeline)).toBe(1);
    expect(decideAfterStep(pipeline, { index: 0, round: 1 }, { verdict: null, hasDiff: true })).toEqual({
      kind: 'publish',
      unresolved: false,
    });
    expect(decideAfterStep(pipeline, { index: 0, round: 1 }, { verdict: null, hasDiff: false })).toEqual({
      kind: 'no_changes',
    });
    for (const verdict of ['approve', 'changes'] as const)
      expect(decideAfterStep(pipeline, { index: 1, round: 1 }, { verdict, hasDiff: true })).toEqual({
        kind: 'post_review',
      });
    expect(pullRequestReviewStep(resolvePipeline('plan', config)!)).toBeUndefined();
  });

  it('refuses a pull-request review that is not the last step, not a review, has a fix loop, or follows an approval', () => {
    const bad = parseRepoConfig({
      engine: 'command',
      command: 'true',
      pipelines: {
        a: {
          steps: [
            { name: 'implement', handoff: 'diff' },
            { name: 'review', handoff: 'review', 'pull-request': true },
            { name: 'summary', handoff: 'summary' },
          ],
        },
        b: { steps: [{ name: 'implement', handoff: 'diff', 'pull-request': true }] },
        c: {
          steps: [
            { name: 'implement', handoff: 'diff' },
            { name: 'review', handoff: 'review', 'pull-request': true, 'max-rounds': 2 },
          ],
        },
        d: {
          steps: [
            { name: 'implement', handoff: 'diff' },
            { name: 'design', handoff: 'plan', approval: true },
            { name: 'review', handoff: 'review', 'pull-request': true },
          ],
        },
      },
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.issues.map((i) => i.field).sort()).toEqual([
        'pipelines.a.steps.1.pull-request',
        'pipelines.b.steps.0.pull-request',
        'pipelines.c.steps.1.max-rounds',
        'pipelines.d.steps.1.approval',
      ]);
  });

  it('names no pipeline the repository does not define (but plan is built in)', () => {
    expect(resolvePipeline('deploy', configOf({}))).toBeUndefined();
  });
});
