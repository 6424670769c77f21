// The secret each engine's key comes from (the action reads it from the run step's environment,
// which the template fills from environment secrets of the same name). Pure.
import type { EngineName } from '../repo-config/schema.ts';

export const ENGINE_KEYS: Record<EngineName, string | null> = {
  'claude-code': 'ANTHROPIC_API_KEY',
  codex: 'OPENAI_API_KEY',
  gemini: 'GEMINI_API_KEY',
  command: null,
};
