// The task spec the App hands the job (docs/runner-api.md, GET …/spec), checked field by
// field: the action acts on it, so anything unexpected stops the job with every problem named.
import { ActionError } from '../action-error.ts';

export type TaskSpec = {
  task: {
    id: number;
    attempt: number;
    repository: string;
    repositoryId: number;
    issueNumber: number | null;
    pullRequest: boolean;
    requester: string;
    htmlUrl: string | null;
  };
  checkout: { sha: string; branch: string | null };
  engine: { name: string; command: string | null; model: string | null; version: string | null };
  prompt: string;
  limits: {
    timeoutMinutes: number;
    maxTurns: number | null;
    maxCostUsd: number | null;
    maxFiles: number | null;
    maxFileBytes: number | null;
    maxResultBytes: number;
  };
};

type Json = Record<string, unknown>;

class Reader {
  readonly problems: string[] = [];

  object(value: unknown, field: string): Json {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
    this.problems.push(`${field} must be an object`);
    return {};
  }

  string(value: unknown, field: string): string {
    if (typeof value === 'string') return value;
    this.problems.push(`${field} must be a string`);
    return '';
  }

  optionalString(value: unknown, field: string): string | null {
    return value === undefined || value === null ? null : this.string(value, field);
  }

  number(value: unknown, field: string, check: (n: number) => boolean, what: string): number {
    if (typeof value === 'number' && Number.isFinite(value) && check(value)) return value;
    this.problems.push(`${field} must be ${what}`);
    return 0;
  }

  optionalNumber(value: unknown, field: string): number | null {
    if (value === undefined || value === null) return null;
    return this.number(value, field, (n) => n >= 0, 'a number ≥ 0 or null');
  }
}

const positiveInteger = (n: number) => Number.isSafeInteger(n) && n > 0;
const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export function parseTaskSpec(json: unknown, expectedTaskId: number): TaskSpec {
  const r = new Reader();
  const root = r.object(json, 'spec');
  const task = r.object(root.task, 'task');
  const checkout = r.object(root.checkout, 'checkout');
  const engine = r.object(root.engine, 'engine');
  const limits = r.object(root.limits, 'limits');

  const spec: TaskSpec = {
    task: {
      id: r.number(task.id, 'task.id', positiveInteger, 'a positive integer'),
      attempt:
        task.attempt === undefined
          ? 1
          : r.number(task.attempt, 'task.attempt', positiveInteger, 'a positive integer'),
      repository: r.string(task.repository, 'task.repository'),
      repositoryId: r.number(task.repositoryId, 'task.repositoryId', positiveInteger, 'a positive integer'),
      issueNumber:
        task.issueNumber === undefined || task.issueNumber === null
          ? null
          : r.number(task.issueNumber, 'task.issueNumber', positiveInteger, 'a positive integer'),
      pullRequest: task.pullRequest === true,
      requester: task.requester === undefined ? '' : r.string(task.requester, 'task.requester'),
      htmlUrl: r.optionalString(task.htmlUrl, 'task.htmlUrl'),
    },
    checkout: {
      sha: r.string(checkout.sha, 'checkout.sha'),
      branch: r.optionalString(checkout.branch, 'checkout.branch'),
    },
    engine: {
      name: r.string(engine.name, 'engine.name'),
      command: r.optionalString(engine.command, 'engine.command'),
      model: r.optionalString(engine.model, 'engine.model'),
      version: r.optionalString(engine.version, 'engine.version'),
    },
    prompt: r.string(root.prompt, 'prompt'),
    limits: {
      timeoutMinutes: r.number(limits.timeoutMinutes, 'limits.timeoutMinutes', (n) => n > 0, 'a number > 0'),
      maxTurns: r.optionalNumber(limits.maxTurns, 'limits.maxTurns'),
      maxCostUsd: r.optionalNumber(limits.maxCostUsd, 'limits.maxCostUsd'),
      maxFiles: r.optionalNumber(limits.maxFiles, 'limits.maxFiles'),
      maxFileBytes: r.optionalNumber(limits.maxFileBytes, 'limits.maxFileBytes'),
      maxResultBytes: r.number(
        limits.maxResultBytes,
        'limits.maxResultBytes',
        positiveInteger,
        'a positive integer',
      ),
    },
  };
  if (spec.checkout.sha !== '' && !SHA.test(spec.checkout.sha)) {
    r.problems.push('checkout.sha must be a full commit id (40 or 64 lower-case hex digits)');
  }
  if (r.problems.length === 0 && spec.task.id !== expectedTaskId) {
    r.problems.push(`task.id is ${spec.task.id} but this job runs task ${expectedTaskId}`);
  }
  if (r.problems.length > 0) {
    throw new ActionError(
      'bad-spec',
      `The App's task spec is not one this action understands (are the App and the action of matching versions?):\n- ${r.problems.join('\n- ')}`,
    );
  }
  return spec;
}
