// @actions/core writes workflow commands (`::add-mask::<token>`, `::debug::…`) to stdout, where
// a runner reads and consumes them. When the action's code runs inside a test there is no runner:
// the test takes that part, so a token it is handed is never printed in the suite's output.
import { vi } from 'vitest';

export type RunnerCommands = { commands: string[]; masked(): string[]; restore(): void };

const COMMAND = /^::[a-z-]+(?: [^:]*)?::/;

export function readWorkflowCommands(): RunnerCommands {
  const commands: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
    const text = String(chunk);
    if (!COMMAND.test(text)) return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    commands.push(...text.split('\n').filter(Boolean));
    return true;
  }) as typeof process.stdout.write);
  return {
    commands,
    masked: () =>
      commands
        .filter((line) => line.startsWith('::add-mask::'))
        .map((line) => line.slice('::add-mask::'.length)),
    restore: () => spy.mockRestore(),
  };
}
