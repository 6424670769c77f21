// Where an engine's CLI lives between runs: the runner's tool cache (RUNNER_TOOL_CACHE), laid
// out as @actions/tool-cache does — <tool>/<version>/<arch> with an <arch>.complete marker — so
// a self-hosted runner or a cached image reuses it.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** What the cache holds of one CLI: the file that shows the install is whole. */
export type CachedTool = { tool: string; version: string; entry(dir: string): string };

export type ToolPlace = { dir: string; marker: string };

export function toolCacheRoot(env: Record<string, string | undefined>): string {
  return env.RUNNER_TOOL_CACHE || join(env.HOME || homedir(), '.cache', 'agent-dispatch', 'tools');
}

export function installDirectory(root: string, cli: CachedTool): ToolPlace {
  const versionDir = join(root, cli.tool, cli.version);
  return { dir: join(versionDir, process.arch), marker: join(versionDir, `${process.arch}.complete`) };
}

/** Left there by an earlier run that finished its install. */
export function isCached(cli: CachedTool, place: ToolPlace): boolean {
  return existsSync(place.marker) && existsSync(cli.entry(place.dir));
}
