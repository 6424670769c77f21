// The environment files a step writes to talk to the runner: GITHUB_OUTPUT, GITHUB_ENV and
// GITHUB_STATE (`NAME=value` lines or `NAME<<DELIMITER` blocks), GITHUB_PATH (one directory a
// line) and GITHUB_STEP_SUMMARY (markdown).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class FileCommandError extends Error {}

/** Parses the `NAME=value` / `NAME<<DELIMITER` format. */
export function parseKeyValueFile(text: string, command: string): Record<string, string> {
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  const out: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const eq = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (eq !== -1 && (heredoc === -1 || eq < heredoc)) {
      const name = line.slice(0, eq);
      if (name === '')
        throw new FileCommandError(
          `Unable to process file command '${command}' successfully. Invalid format '${line}'`,
        );
      out[name] = line.slice(eq + 1);
      continue;
    }
    if (heredoc === -1)
      throw new FileCommandError(
        `Unable to process file command '${command}' successfully. Invalid format '${line}'`,
      );
    const name = line.slice(0, heredoc);
    const delimiter = line.slice(heredoc + 2);
    if (name === '' || delimiter === '') {
      throw new FileCommandError(
        `Unable to process file command '${command}' successfully. Invalid format '${line}'`,
      );
    }
    const value: string[] = [];
    let closed = false;
    for (i++; i < lines.length; i++) {
      if (lines[i] === delimiter) {
        closed = true;
        break;
      }
      value.push(lines[i]!);
    }
    if (!closed)
      throw new FileCommandError(
        `Unable to process file command '${command}' successfully. Matching delimiter not found '${delimiter}'`,
      );
    out[name] = value.join('\n');
  }
  return out;
}

export type StepFiles = { output: string; env: string; path: string; state: string; summary: string };

/** Fresh, empty command files for one step, named as the runner names them. */
export function createStepFiles(runnerTemp: string): StepFiles {
  const dir = path.join(runnerTemp, '_runner_file_commands');
  mkdirSync(dir, { recursive: true });
  const id = randomUUID();
  const files = {
    output: path.join(dir, `set_output_${id}`),
    env: path.join(dir, `set_env_${id}`),
    path: path.join(dir, `add_path_${id}`),
    state: path.join(dir, `save_state_${id}`),
    summary: path.join(dir, `step_summary_${id}`),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  return files;
}

export function fileCommandEnv(files: StepFiles): Record<string, string> {
  return {
    GITHUB_OUTPUT: files.output,
    GITHUB_ENV: files.env,
    GITHUB_PATH: files.path,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
  };
}

function read(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** Variables the runner refuses to take from GITHUB_ENV. */
const BLOCKED_ENV = new Set(['NODE_OPTIONS']);
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;

export type StepFileResults = {
  outputs: Record<string, string>;
  env: Record<string, string>;
  paths: string[];
  state: Record<string, string>;
  summary: string;
  warnings: string[];
};

/** Reads what the step wrote; throws FileCommandError for a malformed file, as the runner
 *  fails the step then. */
export function readStepFiles(files: StepFiles): StepFileResults {
  const warnings: string[] = [];
  const env = parseKeyValueFile(read(files.env), 'env');
  for (const name of Object.keys(env)) {
    if (BLOCKED_ENV.has(name.toUpperCase())) {
      delete env[name];
      warnings.push(`Can't store ${name} output parameter using '$GITHUB_ENV' command.`);
    }
  }
  let summary = read(files.summary);
  if (existsSync(files.summary) && statSync(files.summary).size > SUMMARY_LIMIT_BYTES) {
    warnings.push(
      `$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k, got ${Math.ceil(statSync(files.summary).size / 1024)}k.`,
    );
    summary = '';
  }
  return {
    outputs: parseKeyValueFile(read(files.output), 'output'),
    env,
    paths: read(files.path)
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== ''),
    state: parseKeyValueFile(read(files.state), 'state'),
    summary,
    warnings,
  };
}
