// Reads `.github/agent.yml` from the repository's default branch (never from a pull request's
// branch) through Probot's config loader: org-wide defaults in the org's `.github` repository,
// `_extends`, deep-merged here, then validated.
import { deepMerge } from '../core/repo-config/merge.ts';
import { type ConfigIssue, parseRepoConfig, type RepoConfig } from '../core/repo-config/schema.ts';
import type { Octokit } from './octokit.ts';

export const CONFIG_PATH = '.github/agent.yml';

export type LoadedRepoConfig = { ok: true; config: RepoConfig } | { ok: false; issues: ConfigIssue[] };

export async function loadRepoConfig(
  octokit: Octokit,
  owner: string,
  repo: string,
): Promise<LoadedRepoConfig> {
  let raw: object;
  try {
    const result = await octokit.config.get({
      owner,
      repo,
      path: CONFIG_PATH,
      // The loader passes the most distant `_extends` target first and the repository's own
      // file last, so the repository wins.
      defaults: (configs: object[]) => deepMerge(...configs),
    });
    raw = result.config;
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    if (
      /invalid YAML|not an object|could not be parsed|Recursion detected|directory or a submodule/.test(
        message,
      )
    ) {
      return {
        ok: false,
        issues: [{ field: '(file)', message: message.replace(/^\[@probot\/octokit-plugin-config\] /, '') }],
      };
    }
    throw error;
  }
  return parseRepoConfig(raw);
}
