// Runs a process-backed step (a `run:` script or a JavaScript action) with fresh environment
// files, turns its exit into an outcome as the runner does, and applies what it wrote.
import { existsSync } from 'node:fs';
import { createStepFiles, FileCommandError, fileCommandEnv, readStepFiles } from './file-commands.ts';
import type { JobRun } from './job-run.ts';
import type { StepOutcome, StepRun } from './job-types.ts';
import { runProcessTree } from './process-tree.ts';
import type { StepLog } from './workflow-commands.ts';

export type ProcessStep = {
  name: string;
  stepId?: string;
  log: StepLog;
  command: string;
  args: string[];
  cwd: string;
  stepEnv: Record<string, string>;
  extraEnv: Record<string, string>;
  signal: AbortSignal;
};

export async function runProcessStep(run: JobRun, step: ProcessStep): Promise<StepRun> {
  const { log } = step;
  const files = createStepFiles(run.layout.temp);
  const env = run.stepEnvironment(step.stepEnv, {
    ...fileCommandEnv(files),
    GITHUB_ACTION: run.currentAction,
    ...step.extraEnv,
  });
  if (!existsSync(step.cwd)) {
    log.write(
      `##[error]An error occurred trying to start process '${step.command}' with working directory '${step.cwd}'. No such file or directory`,
    );
    return { outcome: 'failure', exitCode: null };
  }
  const result = await runProcessTree({
    command: step.command,
    args: step.args,
    cwd: step.cwd,
    env,
    signal: step.signal,
    killGraceMs: run.options.killGraceMs,
    onLine: (line) => log.line(line),
  });
  let outcome: StepOutcome = 'success';
  if (result.stopped) {
    // Stopped by the job (cancel, timeout) or by the step's own timeout.
    outcome = run.stopReason ? 'cancelled' : 'failure';
  } else if (result.error) {
    log.write(
      `##[error]An error occurred trying to start process '${step.command}': ${result.error.message}`,
    );
    outcome = 'failure';
  } else if (result.exitCode !== 0) {
    log.write(`##[error]Process completed with exit code ${result.exitCode ?? `signal ${result.signal}`}.`);
    outcome = 'failure';
  }
  if (log.failed && outcome === 'success') outcome = 'failure';

  // The runner processes the files whatever the outcome.
  try {
    const fileResults = readStepFiles(files);
    for (const warning of fileResults.warnings) {
      run.annotate('warning', warning, step.name);
      log.write(`##[warning]${warning}`);
    }
    run.applyFiles(step.stepId, fileResults);
    return { outcome, exitCode: result.exitCode, files: fileResults };
  } catch (error) {
    if (!(error instanceof FileCommandError)) throw error;
    log.write(`##[error]${error.message}`);
    run.annotate('error', error.message, step.name);
    return { outcome: outcome === 'cancelled' ? outcome : 'failure', exitCode: result.exitCode };
  }
}
