// Step outputs and the job summary, through @actions/core (the files the runner names in
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY).
import * as core from '@actions/core';

type Env = Record<string, string | undefined>;

export type Outputs = { set(name: string, value: string): void };

export function createOutputs(): Outputs {
  return { set: (name, value) => core.setOutput(name, value) };
}

export async function appendSummary(env: Env, markdown: string): Promise<void> {
  // Outside a runner (no summary file) there is nowhere to write it.
  if (!env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(markdown, true).write();
}
