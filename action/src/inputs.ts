// Reads everything the action is told — its `with:` inputs and the workflow_dispatch payload —
// once, into one typed object. Every problem is reported together, naming the input.
import { isAbsolute, resolve } from 'node:path';
import { ActionError } from './action-error.ts';

export type Step = 'prepare' | 'run';

export type ActionInputs = {
  step: Step;
  /** The App's public URL exactly as configured: it is also the OIDC token's audience. */
  appUrl: string;
  /** Absolute path of the directory the engine runs in (the checkout). */
  workingDirectory: string;
  /** From the workflow_dispatch payload (`inputs.task_id`), never from an expression. */
  taskId: number;
};

type Env = Record<string, string | undefined>;

const STEPS: readonly Step[] = ['prepare', 'run'];

/** The runner passes `with: { app-url: … }` as INPUT_APP-URL (upper case, spaces to `_`). */
function input(env: Env, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/**
 * @param event the parsed JSON of the file at GITHUB_EVENT_PATH (undefined when there is none).
 */
export function parseInputs(env: Env, event: unknown): ActionInputs {
  const problems: string[] = [];

  const step = input(env, 'step');
  if (!STEPS.includes(step as Step)) {
    problems.push(
      step === ''
        ? 'input "step" is required: use "prepare" (before actions/checkout) or "run" (after it)'
        : `input "step" is "${step}": it must be "prepare" or "run"`,
    );
  }

  const appUrl = input(env, 'app-url');
  if (appUrl === '') {
    problems.push(
      'input "app-url" is required: the App\'s public URL (the template reads it from the repository variable AGENT_DISPATCH_URL — is that variable set?)',
    );
  } else if (!isHttpUrl(appUrl)) {
    problems.push(
      `input "app-url" is "${appUrl}": it must be an http(s) URL such as https://agent.example.com`,
    );
  }

  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const directory = input(env, 'working-directory') || '.';
  const workingDirectory = isAbsolute(directory) ? directory : resolve(workspace, directory);

  const taskId = readTaskId(env, event, problems);

  if (problems.length > 0) throw new ActionError('bad-input', problems.join('\n'));
  return { step: step as Step, appUrl, workingDirectory, taskId: taskId ?? 0 };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (
      (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === ''
    );
  } catch {
    return false;
  }
}

const TASK_ID = /^[1-9][0-9]{0,15}$/;

function readTaskId(env: Env, event: unknown, problems: string[]): number | undefined {
  const eventName = env.GITHUB_EVENT_NAME;
  if (eventName !== undefined && eventName !== 'workflow_dispatch') {
    problems.push(
      `the workflow was started by "${eventName}": Agent Dispatch jobs run only on workflow_dispatch from the App`,
    );
    return undefined;
  }
  const inputs =
    typeof event === 'object' && event !== null ? (event as { inputs?: unknown }).inputs : undefined;
  const raw =
    typeof inputs === 'object' && inputs !== null ? (inputs as Record<string, unknown>).task_id : undefined;
  if (raw === undefined) {
    problems.push(
      'the workflow_dispatch event has no "task_id" input (GITHUB_EVENT_PATH → inputs.task_id): declare it in the workflow and let the App dispatch the run',
    );
    return undefined;
  }
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  const id = Number(text);
  if (!TASK_ID.test(text) || !Number.isSafeInteger(id)) {
    problems.push(
      `the workflow_dispatch input "task_id" is ${JSON.stringify(raw)}: it must be a positive integer`,
    );
    return undefined;
  }
  return id;
}
