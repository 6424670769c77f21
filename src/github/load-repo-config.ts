// Reads `.github/agent.yml` from the repository's default branch (never from a pull request's
// branch) through Probot's config loader: org-wide defaults in the org's `.github` repository,
// `_extends`, deep-merged here, then validated. Each file is read with a token for its own
// repository (octokit.ts `forConfig`); an `_extends` target that cannot be read is a config
// problem the commenter is told about, not a silent default.
import { extendsIssues, type LoadedFile } from '../core/repo-config/extends-targets.ts';
import { deepMerge } from '../core/repo-config/merge.ts';
import { type ConfigIssue, parseRepoConfig, type RepoConfig } from '../core/repo-config/schema.ts';
import type { ConfigReader } from './octokit.ts';

export const CONFIG_PATH = '.github/agent.yml';

export type LoadedRepoConfig = { ok: true; config: RepoConfig } | { ok: false; issues: ConfigIssue[] };

export async function loadRepoConfig(
  reader: ConfigReader,
  owner: string,
  repo: string,
): Promise<LoadedRepoConfig> {
  let raw: object;
  let files: LoadedFile[];
  try {
    const result = await reader.octokit.config.get({
      owner,
      repo,
      path: CONFIG_PATH,
      // The loader passes the most distant `_extends` target first and the repository's own
      // file last, so the repository wins.
      defaults: (configs: object[]) => deepMerge(...configs),
    });
    raw = result.config;
    files = result.files as LoadedFile[];
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    if (
      /invalid YAML|not an object|could not be parsed|Recursion detected|directory or a submodule|Invalid value/.test(
        message,
      )
    ) {
      const field = /_extends/.test(message) ? '_extends' : '(file)';
      return {
        ok: false,
        issues: [{ field, message: message.replace(/^\[@probot\/octokit-plugin-config\] /, '') }],
      };
    }
    throw error;
  }
  const unread = extendsIssues(files, reader.unreadable);
  if (unread.length > 0) return { ok: false, issues: unread };
  return parseRepoConfig(raw);
}
