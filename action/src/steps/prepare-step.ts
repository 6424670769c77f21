// Step `prepare`, before actions/checkout: fetch the spec and tell checkout which commit.
import type { StepContext } from './step-context.ts';

export async function prepareStep(ctx: StepContext): Promise<number> {
  const spec = await ctx.api.getSpec();
  const { task } = spec;
  const where = `${task.repository}#${task.issueNumber}`;
  ctx.log.info(
    `Agent Dispatch task ${task.id} (attempt ${task.attempt}) for ${where}, requested by ${task.requester || 'unknown'}: engine ${spec.engine.name}, starting from ${spec.checkout.sha}`,
  );
  ctx.outputs.set('sha', spec.checkout.sha);
  ctx.outputs.set('task-id', String(task.id));
  return 0;
}
