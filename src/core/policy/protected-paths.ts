// The paths an agent may not change by default, and why (docs/security.md lists them). Each
// group is something that is read as trusted instructions, executed without anyone running the
// project's code, or that governs review and automation. A directory name protects the
// directory itself and everything in it, at any depth (an editor or agent opened on a subfolder
// of a monorepo reads that folder's files). Matching is case- and normalization-insensitive.
// `policy.allow-paths` lifts these defaults; `policy.deny-paths` adds more, and what a
// repository denies itself cannot be lifted. Pure.
import picomatch from 'picomatch';
import { foldName } from './path-rules.ts';
import type { PolicySettings } from './violation.ts';

type Group = { why: string; dirs?: string[]; files?: string[] };

export const PROTECTED_GROUPS: Group[] = [
  {
    why: 'GitHub reads it (workflows and actions run with secrets; CODEOWNERS, dependabot, Copilot and this App’s config)',
    dirs: ['.github'],
    files: ['CODEOWNERS'],
  },
  {
    why: 'a coding agent reads it as trusted instructions',
    files: [
      'AGENTS.md',
      'AGENTS.override.md',
      'AGENT.md',
      'CLAUDE.md',
      'CLAUDE.local.md',
      'GEMINI.md',
      '.cursorrules',
      '.windsurfrules',
      '.roorules',
      '.rules',
      '.goosehints',
    ],
  },
  {
    why: 'agent settings, skills, hooks or MCP servers: they run commands or grant permissions',
    dirs: [
      '.claude',
      '.codex',
      '.agents',
      '.gemini',
      '.cursor',
      '.windsurf',
      '.clinerules',
      '.roo',
      '.kilocode',
      '.continue',
      '.kiro',
      '.junie',
      '.amazonq',
      '.opencode',
      '.openhands',
    ],
    files: ['.mcp.json', 'opencode.json', 'opencode.jsonc', '.roomodes', '.aider*'],
  },
  {
    why: 'an editor or dev environment runs it when the folder is opened or the workspace starts',
    dirs: ['.vscode', '.idea', '.zed', '.devcontainer'],
    files: ['*.code-workspace', '.devcontainer.json', '.gitpod.yml'],
  },
  {
    why: 'git hooks run it on commit, push or checkout on developers’ machines',
    dirs: ['.husky', '.githooks'],
    files: [
      '.pre-commit-config.yaml',
      'lefthook.{yml,yaml,json,toml}',
      '.lefthook.{yml,yaml,json,toml}',
      'lefthook-local.{yml,yaml,json,toml}',
      '.lefthook-local.{yml,yaml,json,toml}',
      '{.,}simple-git-hooks.{json,js,cjs,mjs}',
      '.overcommit.yml',
      '.lintstagedrc*',
      'lint-staged.config.*',
    ],
  },
  {
    why: 'git reads it from the tree (filters, diff drivers, diffs hidden from review, submodule URLs)',
    files: ['.gitattributes', '.gitmodules', '.lfsconfig'],
  },
  {
    why: 'a shell runs it on entering the directory (direnv, mise)',
    files: ['.envrc', 'mise.toml', '.mise.toml'],
  },
  {
    why: 'a package manager reads it on every install (which registry, which program, which hooks)',
    files: ['.npmrc', '.yarnrc', '.yarnrc.yml', '.pnpmfile.cjs'],
    dirs: ['.yarn/releases', '.yarn/plugins'],
  },
  {
    why: 'another CI service runs it with its secrets',
    dirs: ['.circleci', '.buildkite'],
    files: [
      '.gitlab-ci.yml',
      '.travis.yml',
      'azure-pipelines.yml',
      'Jenkinsfile',
      'bitbucket-pipelines.yml',
      '.drone.yml',
    ],
  },
];

function globsOf(group: Group): string[] {
  const dirs = (group.dirs ?? []).flatMap((d) => [`**/${d}`, `**/${d}/**`]);
  return [...dirs, ...(group.files ?? []).map((f) => `**/${f}`)];
}

/** Every default protected glob (for tests and docs). */
export const DEFAULT_PROTECTED_GLOBS = PROTECTED_GROUPS.flatMap(globsOf);

/** A path as matched: each segment folded the way case-insensitive file systems see it. */
function matchable(path: string): string {
  return path.split('/').map(foldName).join('/');
}

export type ProtectedMatcher = (path: string) => string | undefined;

/** Why `path` may not be changed by an agent under these settings, or undefined. */
export function protectedPathMatcher(
  settings: Pick<PolicySettings, 'denyPaths' | 'allowPaths'>,
): ProtectedMatcher {
  const options = { dot: true, nocase: true };
  const groups = PROTECTED_GROUPS.map((g) => ({ why: g.why, match: picomatch(globsOf(g), options) }));
  const repoDenied = settings.denyPaths.length > 0 ? picomatch(settings.denyPaths, options) : () => false;
  const allowed = settings.allowPaths.length > 0 ? picomatch(settings.allowPaths, options) : () => false;
  return (path: string) => {
    const folded = matchable(path);
    if (repoDenied(path) || repoDenied(folded))
      return 'this repository’s policy denies it (`policy.deny-paths`)';
    if (allowed(path) || allowed(folded)) return undefined;
    return groups.find((g) => g.match(folded))?.why;
  };
}
