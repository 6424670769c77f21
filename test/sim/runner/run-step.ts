// What each kind of step does: a `run:` script through its shell, `actions/checkout` done by
// the simulator, a local JavaScript action run with this Node (and its post step queued), and
// anything else recorded as skipped.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  type ActionDefinition,
  inputVariable,
  isCheckout,
  loadAction,
  resolveActionDir,
} from './action-definition.ts';
import { checkout, removeCheckoutCredentials } from './checkout.ts';
import { substitute } from './expressions.ts';
import type { JobRun } from './job-run.ts';
import type { PostStep, StepRun } from './job-types.ts';
import { runProcessStep } from './process-step.ts';
import { shellInvocation } from './shell.ts';
import type { Step } from './workflow.ts';
import type { StepLog } from './workflow-commands.ts';

type NodeRuns = Extract<ActionDefinition['runs'], { using: 'node' }>;

export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? ''
  );
}

async function runScript(
  run: JobRun,
  step: Step,
  name: string,
  stepEnv: Record<string, string>,
  log: StepLog,
  signal: AbortSignal,
) {
  const defaults = { ...run.options.workflow.defaults, ...run.job.defaults };
  const context = run.expressionContext(stepEnv);
  // Expressions are substituted into the script text before it is written, as on GitHub.
  const script = substitute(step.run ?? '', context);
  const shellName = step.shell ?? defaults.shell;
  const shell = shellInvocation(shellName, shellName !== undefined);
  const scriptPath = path.join(run.layout.temp, `${randomUUID()}${shell.extension}`);
  writeFileSync(scriptPath, script, { mode: 0o755 });
  log.write(`##[group]Run ${firstLine(script)}`);
  for (const line of script.replace(/\n$/, '').split('\n')) log.write(line);
  log.write(`shell: ${shell.display}`);
  log.write('##[endgroup]');
  const workingDirectory = step.workingDirectory ?? defaults.workingDirectory;
  const cwd = workingDirectory
    ? path.resolve(run.layout.workspace, substitute(workingDirectory, context))
    : run.layout.workspace;
  return runProcessStep(run, {
    name,
    stepId: step.id,
    log,
    command: shell.command,
    args: shell.args(scriptPath),
    cwd,
    stepEnv,
    extraEnv: {},
    signal,
  });
}

async function runCheckout(
  run: JobRun,
  name: string,
  withInputs: Record<string, string>,
  stepEnv: Record<string, string>,
  log: StepLog,
  signal: AbortSignal,
): Promise<StepRun> {
  const { options } = run;
  const gitEnv = { ...run.stepEnvironment(stepEnv), GIT_TERMINAL_PROMPT: '0' };
  const serverUrl = options.env.GITHUB_SERVER_URL ?? 'https://github.com';
  const details = await checkout({
    ...options.checkout,
    workspace: run.layout.workspace,
    with: withInputs,
    repository: run.repository,
    serverUrl,
    token:
      withInputs.token ??
      (options.context.github.token as string | undefined) ??
      options.context.secrets.GITHUB_TOKEN,
    env: gitEnv,
    signal,
    log: (line) => log.write(line),
  });
  if (details.credentialsWritten) {
    run.posts.push({
      name: `Post ${name}`,
      actionId: run.currentAction,
      condition: 'always()',
      run: async () => {
        await removeCheckoutCredentials(details, serverUrl, gitEnv);
        return { outcome: 'success' };
      },
    });
  }
  return { outcome: 'success', details };
}

/** INPUT_* for an action: `with:` values, else the input's default (expressions evaluated). */
function actionInputs(
  run: JobRun,
  action: ActionDefinition,
  withInputs: Record<string, string>,
  log: StepLog,
) {
  const env: Record<string, string> = {};
  const declared = Object.keys(action.inputs);
  for (const [name, input] of Object.entries(action.inputs)) {
    const given = Object.entries(withInputs).find(([key]) => key.toLowerCase() === name.toLowerCase());
    const value = given
      ? given[1]
      : input.default !== undefined
        ? substitute(input.default, run.expressionContext())
        : undefined;
    if (value !== undefined) env[inputVariable(name)] = value;
  }
  const unexpected = Object.keys(withInputs).filter(
    (key) => !declared.some((name) => name.toLowerCase() === key.toLowerCase()),
  );
  for (const key of unexpected) env[inputVariable(key)] = withInputs[key]!;
  if (unexpected.length > 0) {
    const message = `Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${declared.join("', '")}']`;
    run.annotate('warning', message);
    log.write(`##[warning]${message}`);
  }
  return env;
}

function stateEnv(state: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(state).map(([key, value]) => [`STATE_${key}`, value]));
}

/** The environment and entry points of a JavaScript action step. */
function nodeAction(
  run: JobRun,
  step: Step,
  action: ActionDefinition,
  withInputs: Record<string, string>,
  log: StepLog,
) {
  const uses = step.uses!;
  const [repo, ref] = uses.startsWith('./') ? ['', ''] : uses.split('@');
  const env = {
    ...actionInputs(run, action, withInputs, log),
    GITHUB_ACTION_PATH: action.dir,
    GITHUB_ACTION_REPOSITORY: repo ?? '',
    GITHUB_ACTION_REF: ref ?? '',
  };
  const entry = (file: string) => ({
    command: process.execPath,
    args: [path.resolve(action.dir, file)],
    cwd: run.layout.workspace,
  });
  // GITHUB_STATE written by pre and main reaches main and post as STATE_* variables.
  const actionId = run.currentAction;
  const state = run.actionState.get(actionId) ?? {};
  run.actionState.set(actionId, state);
  return { env, entry, actionId, state, runs: action.runs as NodeRuns };
}

async function runNodeAction(
  run: JobRun,
  step: Step,
  name: string,
  action: ActionDefinition,
  withInputs: Record<string, string>,
  stepEnv: Record<string, string>,
  log: StepLog,
  signal: AbortSignal,
): Promise<StepRun> {
  const { env, entry, actionId, state, runs } = nodeAction(run, step, action, withInputs, log);
  const result = await runProcessStep(run, {
    name,
    stepId: step.id,
    log,
    ...entry(runs.main),
    stepEnv,
    extraEnv: { ...env, ...stateEnv(state) },
    signal,
  });
  Object.assign(state, result.files?.state);
  if (runs.post) {
    const post = runs.post;
    run.posts.push({
      name: `Post ${name}`,
      actionId,
      condition: runs.postIf ?? 'always()',
      run: (postSignal, postLog) =>
        runProcessStep(run, {
          name: `Post ${name}`,
          log: postLog,
          ...entry(post),
          stepEnv,
          extraEnv: { ...env, ...stateEnv(state) },
          signal: postSignal,
        }),
    });
  }
  return result;
}

/** The `pre` step of a JavaScript action given by the test (local `./` actions have none, as
 *  on GitHub, since they are not checked out yet when pre steps run). */
export function preStep(run: JobRun, step: Step, name: string): PostStep | undefined {
  if (!step.uses || step.uses.startsWith('./')) return undefined;
  const dir = resolveActionDir(step.uses, run.options.actions, run.layout.workspace);
  if (!dir) return undefined;
  const action = loadAction(dir);
  if (action.runs.using !== 'node' || !(action.runs as NodeRuns).pre) return undefined;
  return {
    name: `Pre ${name}`,
    actionId: run.currentAction,
    condition: (action.runs as NodeRuns).preIf ?? 'always()',
    run: async (signal, log) => {
      const stepEnv = run.evaluateMap(step.env);
      const withInputs = run.evaluateMap(step.with, stepEnv);
      const { env, entry, state, runs } = nodeAction(run, step, action, withInputs, log);
      const result = await runProcessStep(run, {
        name: `Pre ${name}`,
        log,
        ...entry(runs.pre!),
        stepEnv,
        extraEnv: env,
        signal,
      });
      Object.assign(state, result.files?.state);
      return result;
    },
  };
}

/** Runs one step's body. Throws for problems that fail the step with their message. */
export async function runStep(
  run: JobRun,
  step: Step,
  name: string,
  stepEnv: Record<string, string>,
  log: StepLog,
  signal: AbortSignal,
): Promise<StepRun> {
  if (step.run !== undefined) return runScript(run, step, name, stepEnv, log, signal);
  const uses = step.uses!;
  const withInputs = run.evaluateMap(step.with, stepEnv);
  log.write(`##[group]Run ${uses}`);
  for (const [key, value] of Object.entries(withInputs)) log.write(`  with ${key}: ${value}`);
  log.write('##[endgroup]');
  if (isCheckout(uses) && !run.options.actions[uses])
    return runCheckout(run, name, withInputs, stepEnv, log, signal);
  const dir = resolveActionDir(uses, run.options.actions, run.layout.workspace);
  if (!dir) return { outcome: 'skipped', skippedReason: `${uses} is not available in the simulated runner` };
  const action = loadAction(dir);
  if (action.runs.using !== 'node') {
    return {
      outcome: 'skipped',
      skippedReason: `${uses} uses '${action.runs.using}', which the simulated runner does not run`,
    };
  }
  return runNodeAction(run, step, name, action, withInputs, stepEnv, log, signal);
}
