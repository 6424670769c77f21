// The task spec the App hands the job (docs/runner-api.md, GET …/spec), validated with the
// contract the App builds it from: the action acts on it, so anything unexpected stops the job
// with every problem named.
import { checkTaskSpec, type TaskSpec } from '../../../src/contract/task-spec.ts';
import { ActionError } from '../action-error.ts';

export type { TaskSpec };

export function parseTaskSpec(json: unknown, expectedTaskId: number): TaskSpec {
  const checked = checkTaskSpec(json, expectedTaskId);
  if (checked.ok) return checked.spec;
  throw new ActionError(
    'bad-spec',
    `The App's task spec is not one this action understands (are the App and the action of matching versions?):\n- ${checked.problems.join('\n- ')}`,
  );
}
