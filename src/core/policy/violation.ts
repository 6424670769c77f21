// What the patch policy reports: each broken rule with the path it concerns and why. Pure types.

export type PolicySettings = {
  denyPaths: string[];
  allowPaths: string[];
  maxFiles: number;
  maxLines: number;
  maxFileBytes: number;
};

export type PolicyRule =
  | 'invalid-path'
  | 'denied-path'
  | 'symlink-outside-repo'
  | 'symlink-loop'
  | 'symlink-invalid'
  | 'submodule'
  | 'file-too-large'
  | 'too-many-files'
  | 'too-many-lines'
  | 'too-large-to-check'
  | 'credential';

export type Violation = { path: string; rule: PolicyRule; detail: string };

/** A path or symlink target as shown inside a violation's detail: in a code span, cut short. */
export function quoted(text: string, max = 300): string {
  return `\`${text.slice(0, max).replace(/[`\r\n]/g, "'")}\``;
}
