// Parses a GitHub Actions workflow file into the shape the simulated runner executes, checking
// the fields it relies on and naming the field when something is wrong.
import { parse } from 'yaml';
import { type Permissions, parsePermissions } from './permissions.ts';
import { WorkflowError } from './workflow-error.ts';

export { WorkflowError };

export type WorkflowInput = {
  description?: string;
  required: boolean;
  default?: string;
  type: 'string' | 'boolean' | 'choice' | 'number' | 'environment';
  options?: string[];
};

export type Step = {
  id?: string;
  name?: string;
  uses?: string;
  with: Record<string, string>;
  run?: string;
  shell?: string;
  env: Record<string, string>;
  if?: string;
  workingDirectory?: string;
  /** `true`/`false`, or an expression evaluated when the step runs. */
  continueOnError: boolean | string;
  timeoutMinutes?: number;
};

export type RunDefaults = { shell?: string; workingDirectory?: string };

export type Job = {
  id: string;
  name?: string;
  runsOn?: string | string[] | Record<string, unknown>;
  environment?: { name: string; url?: string };
  timeoutMinutes: number;
  permissions?: Permissions;
  env: Record<string, string>;
  defaults: RunDefaults;
  needs: string[];
  if?: string;
  outputs: Record<string, string>;
  /** A reusable workflow call (`jobs.<id>.uses`); such a job has no steps. */
  uses?: string;
  steps: Step[];
};

export type Workflow = {
  name?: string;
  runName?: string;
  on: { events: string[]; workflow_dispatch?: { inputs: Record<string, WorkflowInput> } };
  permissions?: Permissions;
  env: Record<string, string>;
  defaults: RunDefaults;
  jobs: Record<string, Job>;
};

export const DEFAULT_JOB_TIMEOUT_MINUTES = 360;

type Map = Record<string, unknown>;

function isMap(value: unknown): value is Map {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function expectMap(value: unknown, field: string): Map {
  if (!isMap(value)) throw new WorkflowError(field, 'must be a mapping');
  return value;
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new WorkflowError(field, 'must be a string');
  return value;
}

/** Scalars become strings the way the runner passes them (`with:` and `env:` values). */
function scalar(value: unknown, field: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new WorkflowError(field, 'must be a string, number or boolean');
}

function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  const map = expectMap(value, field);
  return Object.fromEntries(Object.entries(map).map(([key, v]) => [key, scalar(v, `${field}.${key}`)]));
}

function minutes(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number <= 0) {
    throw new WorkflowError(field, 'must be a positive number of minutes');
  }
  return number;
}

function parseDefaults(value: unknown, field: string): RunDefaults {
  if (value === undefined || value === null) return {};
  const run = expectMap(value, field).run;
  if (run === undefined) return {};
  const map = expectMap(run, `${field}.run`);
  return {
    shell: optionalString(map.shell, `${field}.run.shell`),
    workingDirectory: optionalString(map['working-directory'], `${field}.run.working-directory`),
  };
}

const INPUT_TYPES = ['string', 'boolean', 'choice', 'number', 'environment'] as const;

function parseInputs(value: unknown, field: string): Record<string, WorkflowInput> {
  if (value === undefined || value === null) return {};
  const inputs: Record<string, WorkflowInput> = {};
  for (const [name, raw] of Object.entries(expectMap(value, field))) {
    const where = `${field}.${name}`;
    const spec = raw === null ? {} : expectMap(raw, where);
    const type = spec.type ?? 'string';
    if (!INPUT_TYPES.includes(type as WorkflowInput['type'])) {
      throw new WorkflowError(`${where}.type`, `must be one of ${INPUT_TYPES.join(', ')}`);
    }
    if (spec.required !== undefined && typeof spec.required !== 'boolean') {
      throw new WorkflowError(`${where}.required`, 'must be true or false');
    }
    const options = spec.options;
    if (type === 'choice' && (!Array.isArray(options) || options.length === 0)) {
      throw new WorkflowError(`${where}.options`, 'a choice input needs a list of options');
    }
    inputs[name] = {
      description: optionalString(spec.description, `${where}.description`),
      required: spec.required === true,
      default: spec.default === undefined ? undefined : scalar(spec.default, `${where}.default`),
      type: type as WorkflowInput['type'],
      ...(Array.isArray(options)
        ? { options: options.map((o, i) => scalar(o, `${where}.options[${i}]`)) }
        : {}),
    };
  }
  return inputs;
}

function parseOn(value: unknown): Workflow['on'] {
  if (typeof value === 'string')
    return {
      events: [value],
      ...(value === 'workflow_dispatch' ? { workflow_dispatch: { inputs: {} } } : {}),
    };
  if (Array.isArray(value)) {
    const events = value.map((event, i) => scalar(event, `on[${i}]`));
    return { events, ...(events.includes('workflow_dispatch') ? { workflow_dispatch: { inputs: {} } } : {}) };
  }
  const map = expectMap(value, 'on');
  const events = Object.keys(map);
  if (!events.includes('workflow_dispatch')) return { events };
  const dispatch = map.workflow_dispatch;
  const inputs =
    dispatch === null
      ? {}
      : parseInputs(expectMap(dispatch, 'on.workflow_dispatch').inputs, 'on.workflow_dispatch.inputs');
  return { events, workflow_dispatch: { inputs } };
}

const STEP_ID = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function parseStep(value: unknown, field: string, ids: Set<string>): Step {
  const map = expectMap(value, field);
  const uses = optionalString(map.uses, `${field}.uses`);
  const run = map.run === undefined ? undefined : scalar(map.run, `${field}.run`);
  if ((uses === undefined) === (run === undefined)) {
    throw new WorkflowError(field, 'a step needs exactly one of "uses" or "run"');
  }
  const id = optionalString(map.id, `${field}.id`);
  if (id !== undefined) {
    if (!STEP_ID.test(id))
      throw new WorkflowError(
        `${field}.id`,
        `"${id}" must start with a letter or _ and contain only letters, digits, - and _`,
      );
    if (ids.has(id)) throw new WorkflowError(`${field}.id`, `"${id}" is used by another step of this job`);
    ids.add(id);
  }
  const continueOnError = map['continue-on-error'];
  if (
    continueOnError !== undefined &&
    typeof continueOnError !== 'boolean' &&
    typeof continueOnError !== 'string'
  ) {
    throw new WorkflowError(`${field}.continue-on-error`, 'must be true, false or an expression');
  }
  const condition = map.if;
  return {
    id,
    name: map.name === undefined ? undefined : scalar(map.name, `${field}.name`),
    uses,
    with: stringMap(map.with, `${field}.with`),
    run,
    shell: optionalString(map.shell, `${field}.shell`),
    env: stringMap(map.env, `${field}.env`),
    if: condition === undefined ? undefined : scalar(condition, `${field}.if`),
    workingDirectory: optionalString(map['working-directory'], `${field}.working-directory`),
    continueOnError: continueOnError ?? false,
    timeoutMinutes: minutes(map['timeout-minutes'], `${field}.timeout-minutes`),
  };
}

function parseEnvironment(value: unknown, field: string): Job['environment'] {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return { name: value };
  const map = expectMap(value, field);
  const name = optionalString(map.name, `${field}.name`);
  if (!name) throw new WorkflowError(`${field}.name`, 'is required');
  const url = optionalString(map.url, `${field}.url`);
  return url === undefined ? { name } : { name, url };
}

function parseJob(id: string, value: unknown): Job {
  const field = `jobs.${id}`;
  const map = expectMap(value, field);
  const uses = optionalString(map.uses, `${field}.uses`);
  const runsOn = map['runs-on'];
  if (uses === undefined && (runsOn === undefined || runsOn === null)) {
    throw new WorkflowError(`${field}.runs-on`, 'is required');
  }
  if (runsOn !== undefined && typeof runsOn !== 'string' && !Array.isArray(runsOn) && !isMap(runsOn)) {
    throw new WorkflowError(`${field}.runs-on`, 'must be a label, a list of labels or a mapping');
  }
  const rawSteps = map.steps;
  if (uses === undefined && !Array.isArray(rawSteps))
    throw new WorkflowError(`${field}.steps`, 'must be a list of steps');
  if (uses !== undefined && rawSteps !== undefined)
    throw new WorkflowError(`${field}.steps`, 'a job that calls a reusable workflow has no steps');
  const ids = new Set<string>();
  const steps =
    (rawSteps as unknown[] | undefined)?.map((step, i) => parseStep(step, `${field}.steps[${i}]`, ids)) ?? [];
  const needs = map.needs;
  return {
    id,
    name: map.name === undefined ? undefined : scalar(map.name, `${field}.name`),
    runsOn: runsOn as Job['runsOn'],
    environment: parseEnvironment(map.environment, `${field}.environment`),
    timeoutMinutes:
      minutes(map['timeout-minutes'], `${field}.timeout-minutes`) ?? DEFAULT_JOB_TIMEOUT_MINUTES,
    permissions:
      map.permissions === undefined ? undefined : parsePermissions(map.permissions, `${field}.permissions`),
    env: stringMap(map.env, `${field}.env`),
    defaults: parseDefaults(map.defaults, `${field}.defaults`),
    needs:
      needs === undefined
        ? []
        : Array.isArray(needs)
          ? needs.map((n, i) => scalar(n, `${field}.needs[${i}]`))
          : [scalar(needs, `${field}.needs`)],
    if: map.if === undefined ? undefined : scalar(map.if, `${field}.if`),
    outputs: stringMap(map.outputs, `${field}.outputs`),
    uses,
    steps,
  };
}

export function parseWorkflow(yamlText: string): Workflow {
  let document: unknown;
  try {
    document = parse(yamlText, { prettyErrors: true });
  } catch (error) {
    throw new WorkflowError('(file)', `is not valid YAML: ${(error as Error).message}`);
  }
  const root = expectMap(document, '(file)');
  if (root.on === undefined) throw new WorkflowError('on', 'is required');
  const jobs = expectMap(root.jobs, 'jobs');
  if (Object.keys(jobs).length === 0) throw new WorkflowError('jobs', 'needs at least one job');
  return {
    name: optionalString(root.name, 'name'),
    runName: optionalString(root['run-name'], 'run-name'),
    on: parseOn(root.on),
    permissions:
      root.permissions === undefined ? undefined : parsePermissions(root.permissions, 'permissions'),
    env: stringMap(root.env, 'env'),
    defaults: parseDefaults(root.defaults, 'defaults'),
    jobs: Object.fromEntries(Object.entries(jobs).map(([id, job]) => [id, parseJob(id, job)])),
  };
}
