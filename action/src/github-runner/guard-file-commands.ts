// The runner applies what a step writes to its file-command files (GITHUB_ENV, GITHUB_PATH,
// GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY) after the step, and later steps — post steps
// included, which hold the job's OIDC request token — inherit it. The engine runs as the same
// user and can find those files even without their variables, so the action snapshots them
// before the engine starts and puts them back after it exits: nothing the engine writes there
// survives, and the attempt is reported.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const FILE_COMMANDS = [
  'GITHUB_ENV',
  'GITHUB_PATH',
  'GITHUB_OUTPUT',
  'GITHUB_STATE',
  'GITHUB_STEP_SUMMARY',
] as const;

export type FileCommandGuard = {
  /** Restores every file-command file; returns the paths the engine had changed or added. */
  restore(): string[];
};

export function guardFileCommands(env: Record<string, string | undefined>): FileCommandGuard {
  const files = new Map<string, Buffer>();
  for (const name of FILE_COMMANDS) {
    const file = env[name];
    if (file && existsSync(file)) files.set(file, readFileSync(file));
  }
  // The runner keeps every step's files in one directory; note what it held.
  const directories = new Set([...files.keys()].map((file) => path.dirname(file)));
  const before = new Map<string, Set<string>>();
  for (const directory of directories) before.set(directory, new Set(readdirSync(directory)));

  return {
    restore() {
      const tampered: string[] = [];
      for (const [file, content] of files) {
        const now = existsSync(file) ? readFileSync(file) : undefined;
        if (!now?.equals(content)) {
          writeFileSync(file, content);
          tampered.push(file);
        }
      }
      for (const [directory, names] of before) {
        for (const name of existsSync(directory) ? readdirSync(directory) : []) {
          if (names.has(name)) continue;
          rmSync(path.join(directory, name), { force: true, recursive: true });
          tampered.push(path.join(directory, name));
        }
      }
      return tampered;
    },
  };
}
