// The runner's workflow commands (`::warning::…`, `::stop-commands::…`), written to stdout.
// Masking goes through @actions/core `setSecret` in the action (main.ts); `write` is
// replaceable so tests can read what a step logs.
import { randomUUID } from 'node:crypto';

export type Log = {
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  /** Tells the runner to replace `value` with *** wherever it would appear in the log. */
  mask(value: string): void;
  group(title: string): void;
  endGroup(): void;
};

export type LogWriter = (text: string) => void;

/** Escaping of a command's data, as in @actions/core `command.ts`. */
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function createRunnerLog(
  write: LogWriter = (text) => process.stdout.write(text),
  mask?: (value: string) => void,
): Log {
  const command = (name: string, message: string) => write(`::${name}::${escapeData(message)}\n`);
  return {
    info: (message) => write(`${message}\n`),
    warning: (message) => command('warning', message),
    error: (message) => command('error', message),
    mask: (value) => {
      if (value === '') return;
      if (mask) mask(value);
      else command('add-mask', value);
    },
    group: (title) => command('group', title),
    endGroup: () => write('::endgroup::\n'),
  };
}

/**
 * Output the runner must show but never interpret (an engine's log): between the two lines the
 * runner ignores workflow commands, so an agent cannot print `::add-mask::`, `::error::` or any
 * other command. The resume token is random and never shown to the engine.
 */
export function stopCommands(write: LogWriter): { resume(): void } {
  const token = `agent-dispatch-${randomUUID()}`;
  write(`::stop-commands::${token}\n`);
  return { resume: () => write(`::${token}::\n`) };
}
