// Step outputs and the job summary: files the runner names in GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY, written the way @actions/core writes them.
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';

type Env = Record<string, string | undefined>;

/** `name<<delimiter\nvalue\ndelimiter\n`, with a delimiter that occurs in neither. */
export function formatOutput(name: string, value: string): string {
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`output ${name}: its value contains the delimiter`);
  }
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

export type Outputs = { set(name: string, value: string): void };

export function createOutputs(env: Env): Outputs {
  const file = env.GITHUB_OUTPUT;
  return {
    set(name, value) {
      if (file) appendFileSync(file, formatOutput(name, value));
      else process.stdout.write(`(no GITHUB_OUTPUT) output ${name}=${value}\n`);
    },
  };
}

export function appendSummary(env: Env, markdown: string): void {
  const file = env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
}
