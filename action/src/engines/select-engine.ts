// Engine name (from the task spec) → adapter. New engines are added to this table.
import { ActionError } from '../action-error.ts';
import { claudeCodeEngine } from './claude-code-engine.ts';
import { codexEngine } from './codex-engine.ts';
import { commandEngine } from './command-engine.ts';
import type { Engine } from './engine.ts';
import { geminiEngine } from './gemini-engine.ts';

const ENGINES = {
  'claude-code': claudeCodeEngine,
  codex: codexEngine,
  gemini: geminiEngine,
  command: commandEngine,
} satisfies Record<string, () => Engine>;

export function selectEngine(name: string): Engine {
  const make = Object.hasOwn(ENGINES, name) ? (ENGINES as Record<string, () => Engine>)[name] : undefined;
  if (make === undefined) {
    throw new ActionError(
      'unsupported-engine',
      `This version of the action cannot run the "${name}" engine (it knows: ${Object.keys(ENGINES).join(', ')}). Update the action or choose another engine in .github/agent.yml.`,
    );
  }
  return make();
}
