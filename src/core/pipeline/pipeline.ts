// A pipeline: ordered steps, each its own workflow run, each handing something on to the next (a
// plan, a summary, a diff or a review), some waiting for approval of what they handed on. The
// built-in `plan` pipeline is plan (approved) → implement; `.github/agent.yml` may name others
// (`pipelines:`) or replace `plan`. Resolved once, when a task is requested, and frozen with it.
// Pure.
import type { EngineName, RepoConfig } from '../repo-config/schema.ts';

export const HANDOFF_KINDS = ['plan', 'summary', 'diff', 'review'] as const;
export type HandoffKind = (typeof HANDOFF_KINDS)[number];

export type PipelineStep = {
  name: string;
  engine: EngineName;
  /** The repository's instructions for this step (trusted configuration). */
  instructions: string;
  handoff: HandoffKind;
  /** Whether what it hands on waits for `/agent approve` (its exact content) before the next step. */
  approval: boolean;
  /** For a review step: how many times it may run, and which earlier diff step fixes what it finds. */
  review: { maxRounds: number; fix: number; pullRequest?: boolean } | null;
};

export type Pipeline = { name: string; steps: PipelineStep[] };

export const BUILT_IN_PLAN = 'plan';

/** Steps that only read: whatever they change in the checkout is discarded. */
export function isReadOnly(step: Pick<PipelineStep, 'handoff'>): boolean {
  return step.handoff !== 'diff';
}

type ConfigStep = NonNullable<RepoConfig['pipelines']>[string]['steps'][number];

function resolveStep(step: ConfigStep, all: ConfigStep[], config: RepoConfig): PipelineStep {
  const fixName =
    step.fix ??
    all
      .slice(0, all.indexOf(step))
      .reverse()
      .find((s) => s.handoff === 'diff')?.name;
  return {
    name: step.name,
    engine: step.engine ?? config.engine,
    instructions: step.instructions ?? '',
    handoff: step.handoff,
    approval: step.approval ?? false,
    review:
      step.handoff === 'review'
        ? {
            maxRounds: step['pull-request'] ? 1 : (step['max-rounds'] ?? 2),
            fix: all.findIndex((s) => s.name === fixName),
            ...(step['pull-request'] && { pullRequest: true }),
          }
        : null,
  };
}

/** The pipeline a command names, as it will run; undefined when the repository has none by that name. */
export function resolvePipeline(name: string, config: RepoConfig, engine?: string): Pipeline | undefined {
  const defined = config.pipelines?.[name];
  if (defined) return { name, steps: defined.steps.map((s) => resolveStep(s, defined.steps, config)) };
  if (name !== BUILT_IN_PLAN) return undefined;
  const chosen = (engine ?? config.engine) as EngineName;
  return {
    name,
    steps: [
      { name: 'plan', engine: chosen, instructions: '', handoff: 'plan', approval: true, review: null },
      { name: 'implement', engine: chosen, instructions: '', handoff: 'diff', approval: false, review: null },
    ],
  };
}

/** The index of the step that reviews the pipeline's pull request once it is open, if any. */
export function pullRequestReviewStep(pipeline: Pipeline): number | undefined {
  const index = pipeline.steps.findIndex((s) => s.review?.pullRequest);
  return index >= 0 ? index : undefined;
}

/** The engines a pipeline would run (each must be enabled in the repository). */
export function pipelineEngines(pipeline: Pipeline): EngineName[] {
  return [...new Set(pipeline.steps.map((s) => s.engine))];
}
