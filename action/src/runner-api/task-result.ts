// What the job posts back (docs/runner-api.md, POST …/result) and what it reads afterwards: the
// App's own contract, so both sides agree on every field.
export type {
  Change,
  JobResult as TaskResult,
  Outcome,
  Report as TaskReport,
} from '../../../src/contract/job-result.ts';
export type { ProgressEvent, TaskStatus } from '../../../src/contract/runner-messages.ts';
export { isTerminal } from '../../../src/contract/task-states.ts';
