// `pipelines:` of `.github/agent.yml`: named, ordered steps, each with its engine, instructions,
// what it hands on and whether that waits for approval; review steps with a bounded fix loop.
import { z } from 'zod';
import { HANDOFF_KINDS } from '../pipeline/pipeline.ts';
import { ENGINES } from './engines.ts';

const stepName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, { error: 'must be lower-case letters, digits and dashes (at most 40)' });

export const pipelineStepSchema = z.strictObject({
  name: stepName.describe('Shown in the checklist; names a fix step.'),
  engine: z
    .enum(ENGINES, { error: `must be one of ${ENGINES.join(', ')}` })
    .optional()
    .describe('The engine of this step; the default engine when absent.'),
  instructions: z.string().max(10_000).optional().describe("This step's instructions to the engine."),
  handoff: z
    .enum(HANDOFF_KINDS, { error: `must be one of ${HANDOFF_KINDS.join(', ')}` })
    .describe(
      'What the step hands on: plan, summary or review (the step changes nothing; any change is discarded), or diff (its change).',
    ),
  approval: z
    .boolean()
    .optional()
    .describe('Wait for `/agent approve` of exactly what this step handed on before the next step.'),
  'max-rounds': z
    .number()
    .int()
    .min(1)
    .max(10)
    .optional()
    .describe('For a review step: the most times it runs (a fix step runs between two). Default 2.'),
  fix: stepName.optional().describe('For a review step: the earlier diff step that fixes what it finds.'),
  'pull-request': z
    .boolean()
    .optional()
    .describe(
      'For the last step, a review: run it once the pull request is open and post it there as a pull request review, instead of before the pull request opens.',
    ),
});

const pipelineSchema = z.strictObject({
  description: z.string().max(500).optional(),
  steps: z.array(pipelineStepSchema).min(1).max(10),
});

export const pipelinesSchema = z
  .record(stepName, pipelineSchema)
  .superRefine((pipelines, ctx) => {
    for (const [name, pipeline] of Object.entries(pipelines)) {
      const issue = (index: number, field: string, message: string) =>
        ctx.addIssue({ code: 'custom', path: [name, 'steps', index, field], message });
      const seen = new Set<string>();
      const fixers = new Set<string>();
      pipeline.steps.forEach((step, index) => {
        if (seen.has(step.name)) issue(index, 'name', `is used by an earlier step of ${name}`);
        seen.add(step.name);
        const earlier = pipeline.steps.slice(0, index);
        if (step.approval && index === pipeline.steps.length - 1)
          issue(index, 'approval', 'the last step has no next step to wait for');
        else if (step.approval && pipeline.steps[index + 1]?.['pull-request'])
          issue(index, 'approval', 'the next step reviews the pull request, which opens without waiting');
        if (step['pull-request'] && step.handoff !== 'review')
          issue(index, 'pull-request', 'applies to review steps only');
        if (step['pull-request'] && index !== pipeline.steps.length - 1)
          issue(index, 'pull-request', 'a review of the pull request is the last step');
        if (step['pull-request'] && (step['max-rounds'] ?? 1) > 1)
          issue(
            index,
            'max-rounds',
            'a review of the pull request runs once (its fix loop is not built yet)',
          );
        if (step.handoff !== 'review') {
          if (step['max-rounds'] !== undefined) issue(index, 'max-rounds', 'applies to review steps only');
          if (step.fix !== undefined) issue(index, 'fix', 'applies to review steps only');
          return;
        }
        if (step.approval)
          issue(index, 'approval', 'a review step hands on to its fix loop, not to approval');
        const fix = step.fix ?? earlier.reverse().find((s) => s.handoff === 'diff')?.name;
        const fixStep = pipeline.steps.slice(0, index).find((s) => s.name === fix);
        if (fixStep?.handoff !== 'diff')
          issue(index, 'fix', 'a review step needs an earlier step with `handoff: diff` to review and fix');
        else if (fixers.has(fixStep.name))
          issue(index, 'fix', `the step ${fixStep.name} already fixes for another review step`);
        else fixers.add(fixStep.name);
      });
    }
  })
  .describe(
    'Named pipelines, run with `/agent run <name> <task>`; `plan` replaces the built-in plan pipeline.',
  );
