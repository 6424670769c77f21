// Entry point of the action (bundled to action/dist/index.js). The runner starts it once per
// step with the step's inputs as INPUT_* variables; `step` says which half of the job this is.
import { readFileSync } from 'node:fs';
import * as core from '@actions/core';
import { ActionError, errorMessage } from './action-error.ts';
import { killAllProcessTrees } from './engines/process-group.ts';
import { appendSummary, createOutputs } from './github-runner/file-commands.ts';
import { createIdTokenRequester } from './github-runner/id-token.ts';
import { createRunnerLog } from './github-runner/workflow-commands.ts';
import { parseInputs } from './inputs.ts';
import { releaseSandboxes } from './isolation/engine-sandbox.ts';
import { sleep } from './runner-api/retry.ts';
import { createRunnerApi } from './runner-api/runner-api-client.ts';
import { createTokenSource } from './runner-api/token-source.ts';
import { createSecretManagerReader } from './secrets/secret-manager.ts';
import { prepareStep } from './steps/prepare-step.ts';
import { runStep } from './steps/run-step.ts';
import type { StepContext } from './steps/step-context.ts';
import { DEFAULT_WAIT } from './steps/wait-for-task.ts';
import { createTranscriptPoster } from './transcript/post-transcript.ts';

const ENGINE_GRACE_MS = 10_000;

function readEvent(path: string | undefined): unknown {
  if (!path) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    throw new ActionError(
      'bad-event',
      `Cannot read the event payload at GITHUB_EVENT_PATH (${path}): ${errorMessage(error)}`,
    );
  }
}

async function main(): Promise<number> {
  const env = process.env;
  if (process.platform === 'win32') {
    throw new ActionError(
      'unsupported-platform',
      'Agent Dispatch runs on Linux and macOS runners, not on Windows.',
    );
  }
  const inputs = parseInputs(env, readEvent(env.GITHUB_EVENT_PATH));
  const write = (text: string) => {
    process.stdout.write(text);
  };
  const log = createRunnerLog(write, (value) => core.setSecret(value));
  const tokens = createTokenSource({ audience: inputs.appUrl, request: createIdTokenRequester(env), log });
  const ctx: StepContext = {
    inputs,
    env,
    log,
    write,
    outputs: createOutputs(),
    writeSummary: (markdown) => appendSummary(env, markdown),
    api: createRunnerApi({ appUrl: inputs.appUrl, taskId: inputs.taskId, tokens, log }),
    now: Date.now,
    sleep,
    graceMs: ENGINE_GRACE_MS,
    wait: DEFAULT_WAIT,
    readSecret: createSecretManagerReader(env),
    postTranscript: createTranscriptPoster({ appUrl: inputs.appUrl, taskId: inputs.taskId, tokens }),
  };
  return inputs.step === 'prepare' ? prepareStep(ctx) : runStep(ctx);
}

let finished = false;

// A cancelled run: the runner sends SIGINT, then SIGTERM. Nothing the engine started may
// outlive the action (self-hosted runners are reused).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAllProcessTrees();
    releaseSandboxes();
    finished = true;
    createRunnerLog().error(`Stopped by ${signal} (the run was cancelled); the engine was stopped.`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

process.on('exit', () => {
  killAllProcessTrees();
  releaseSandboxes();
  // Node exits quietly with code 0 when nothing is left to wait for; never let that pass
  // for success.
  if (!finished) {
    createRunnerLog().error(
      'The action stopped before it finished (an internal error): treat this run as failed.',
    );
    process.exitCode = 1;
  }
});

main().then(
  (code) => {
    finished = true;
    process.exitCode = code;
  },
  (error: unknown) => {
    finished = true;
    createRunnerLog().error(errorMessage(error));
    process.exitCode = 1;
  },
);
