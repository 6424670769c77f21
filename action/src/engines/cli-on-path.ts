// A CLI the runner image already has: its command on PATH, used when its --version reports
// exactly the pinned version.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { npmEnvironment } from './run-npm.ts';

/** The CLI's command on PATH when it reports exactly the pinned version, else null. */
export async function onPath(
  cli: { command: string; version: string },
  env: Record<string, string | undefined>,
): Promise<string | null> {
  const command = (env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => isAbsolute(dir))
    .map((dir) => join(dir, cli.command))
    .find((file) => {
      try {
        accessSync(file, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  if (command === undefined) return null;
  const output = await new Promise<string>((resolve) => {
    execFile(
      command,
      ['--version'],
      { env: npmEnvironment(env), timeout: 15_000, maxBuffer: 64 * 1024 },
      (error, stdout) => resolve(error ? '' : stdout),
    );
  });
  const reported = /(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/.exec(output)?.[1];
  return reported === cli.version ? command : null;
}
