// The engines a repository may run (shared by the config schema and its pipeline and schedule parts).
export const ENGINES = ['claude-code', 'codex', 'gemini', 'command'] as const;
export type EngineName = (typeof ENGINES)[number];
