// The title of the workflow run the App dispatches for a task. The workflow template sets it
// (`run-name: agent task ${{ inputs.task_id }}`), and the App finds its run by it: after a crash
// between the dispatch and storing the run id, and to tell a hand-made run that claims a task.

const PREFIX = 'agent task ';
const TITLE = /^agent task ([1-9][0-9]{0,15})$/;

export function runTitle(taskId: number | string): string {
  return `${PREFIX}${taskId}`;
}

/** The task id a run's title names, or undefined when it is not an Agent Dispatch title. */
export function taskIdOfRunTitle(title: string): number | undefined {
  const match = TITLE.exec(title);
  if (!match?.[1]) return undefined;
  const id = Number(match[1]);
  return Number.isSafeInteger(id) ? id : undefined;
}
