// The pure part of releasing the action: version numbers, tags, and the template's pins.

export const ACTION_REPOSITORY = 'agent-dispatch/agent-dispatch';

export type Version = { major: number; minor: number; patch: number };

const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

export function parseVersion(text: string): Version | undefined {
  const match = SEMVER.exec(text.trim());
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

export function tagOf(version: Version): string {
  return `v${version.major}.${version.minor}.${version.patch}`;
}

export function majorTagOf(version: Version): string {
  return `v${version.major}`;
}

function compare(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** The newest `vX.Y.Z` among `tags` (other tags are ignored). */
export function latestVersion(tags: string[]): Version | undefined {
  return tags
    .map((tag) => (/^v\d/.test(tag) ? parseVersion(tag) : undefined))
    .filter((v): v is Version => v !== undefined)
    .sort(compare)
    .at(-1);
}

/** Why `next` cannot be released after the tags that exist, or undefined when it can. */
export function refuseVersion(next: Version, tags: string[]): string | undefined {
  const latest = latestVersion(tags);
  if (latest && compare(next, latest) <= 0) {
    return `${tagOf(next)} is not newer than the latest release ${tagOf(latest)}`;
  }
  return undefined;
}

const USES = new RegExp(
  `(uses:\\s*${ACTION_REPOSITORY.replace('/', '\\/')})@[^\\s#]+(?:[ \\t]*#[^\\n]*)?`,
  'g',
);

/** The template with every `uses:` of the action pinned to `sha`, the version in a comment. */
export function pinTemplate(template: string, sha: string, version: Version): string {
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new Error(`not a full commit SHA: ${sha}`);
  const pinned = template.replace(USES, `$1@${sha} # ${tagOf(version)}`);
  if (pinned === template && !template.includes(`${ACTION_REPOSITORY}@${sha}`)) {
    throw new Error(`the template has no \`uses: ${ACTION_REPOSITORY}@…\` to pin`);
  }
  return pinned;
}

/** The commit the template pins the action to, and the version its comment names. */
export function templatePin(template: string): { sha: string; tag: string } | undefined {
  const match = new RegExp(
    `uses:\\s*${ACTION_REPOSITORY.replace('/', '\\/')}@([0-9a-f]{40})[ \\t]*#[ \\t]*(v\\d+\\.\\d+\\.\\d+)`,
  ).exec(template);
  return match ? { sha: match[1] ?? '', tag: match[2] ?? '' } : undefined;
}

/** One release of the action, as action/releases.json records it (tags need not travel with a clone). */
export type Release = { tag: string; commit: string; date: string };

/** The releases in action/releases.json's text, oldest first (an absent file: none). */
export function parseReleases(text: string | undefined): Release[] {
  if (text === undefined) return [];
  const releases: unknown = JSON.parse(text);
  if (!Array.isArray(releases)) throw new Error('action/releases.json: not a list of releases');
  for (const release of releases as Release[]) {
    if (!parseVersion(String(release?.tag)) || !/^[0-9a-f]{40}$/.test(String(release?.commit))) {
      throw new Error(`action/releases.json: not a release: ${JSON.stringify(release)}`);
    }
  }
  return releases as Release[];
}

/** The record's text with `release` appended (the release script formats it as Biome does). */
export function recordRelease(releases: Release[], release: Release): string {
  return `[\n${[...releases, release].map((entry) => `  ${JSON.stringify(entry)}`).join(',\n')}\n]\n`;
}
