// The error a workflow file that the runner cannot use raises, naming the field at fault.
export class WorkflowError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'WorkflowError';
    this.field = field;
  }
}
