// Which configuration files the loader could not read, said as a problem with `_extends`. Pure.
//
// Probot's loader reads the repository's `.github/agent.yml`; when there is none, the same path
// in the account's `.github` repository (org-wide defaults, optional); then each `_extends`
// target in turn. A target it gets no file from (missing, or in a repository the App is not
// installed on) is silently skipped by the loader — here it is a problem the maintainer hears of.
import type { ConfigIssue } from './schema.ts';

export type LoadedFile = { owner: string; repo: string; path: string; config: unknown };

export function extendsIssues(files: LoadedFile[], unreadable: ReadonlySet<string>): ConfigIssue[] {
  const [own, ...rest] = files;
  if (!own) return [];
  // Without a file of its own, the next file is the account's `.github` default: optional.
  const targets = own.config === null && own.repo !== '.github' ? rest.slice(1) : rest;
  return targets
    .filter((file) => file.config === null)
    .map((file) => {
      const fullName = `${file.owner}/${file.repo}`;
      const where = `\`${fullName}:${file.path}\``;
      if (!unreadable.has(fullName)) {
        return {
          field: '_extends',
          message: `${where} does not exist; check the repository and path in \`_extends\``,
        };
      }
      if (file.owner.toLowerCase() !== own.owner.toLowerCase()) {
        return {
          field: '_extends',
          message: `${where} belongs to another account; \`_extends\` can name repositories of ${own.owner} only`,
        };
      }
      return {
        field: '_extends',
        message: `${where} cannot be read: ${fullName} does not exist or the App is not installed on it. Install the App on ${fullName} (it reads the file with contents: read), or change \`_extends\``,
      };
    });
}
