// The doctor's answer: a list of checks, each ✓ or ✗ (or – when an earlier failure kept it from
// running), every ✗ with the fix. Rendered as Markdown for a reply on GitHub and as plain text for
// `npm run doctor`. Pure.

export type CheckStatus = 'ok' | 'fail' | 'skip';

export type Check = {
  name: string;
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** What to do about a ✗. */
  fix?: string;
  /** A ✗ that makes a task fail later: a repository's first command answers with the checklist instead. */
  blocking?: boolean;
};

export function ok(name: string, detail: string): Check {
  return { name, status: 'ok', detail };
}

export function fail(name: string, detail: string, fix: string, blocking = false): Check {
  return { name, status: 'fail', detail, fix, ...(blocking && { blocking }) };
}

export function skip(name: string, detail: string): Check {
  return { name, status: 'skip', detail };
}

const MARK: Record<CheckStatus, string> = { ok: '✓', fail: '✗', skip: '–' };

export function failures(checks: Check[]): Check[] {
  return checks.filter((check) => check.status === 'fail');
}

/** Inline text from repositories and configuration, kept from breaking the table or mentioning people. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').replace(/@/g, '@\u200b');
}

export type Section = { title: string; checks: Check[] };

export function renderMarkdown(heading: string, sections: Section[]): string {
  const lines = [heading, ''];
  for (const section of sections) {
    lines.push(`**${cell(section.title)}**`, '', '| | Check | Found | Fix |', '| --- | --- | --- | --- |');
    for (const check of section.checks) {
      lines.push(
        `| ${MARK[check.status]} | ${cell(check.name)} | ${cell(check.detail)} | ${cell(check.fix ?? '')} |`,
      );
    }
    lines.push('');
  }
  const failed = sections.flatMap((section) => failures(section.checks)).length;
  lines.push(
    failed === 0
      ? 'Everything checked is in order.'
      : `${failed} to fix (✗). Comment \`/agent doctor\` again to check.`,
  );
  return lines.join('\n');
}

export function renderText(heading: string, sections: Section[]): string {
  const lines = [heading];
  for (const section of sections) {
    lines.push('', section.title);
    const width = Math.max(...section.checks.map((check) => check.name.length));
    for (const check of section.checks) {
      lines.push(`  ${MARK[check.status]} ${check.name.padEnd(width)}  ${check.detail}`);
      if (check.fix) lines.push(`    ${' '.repeat(width)}  fix: ${check.fix}`);
    }
  }
  const failed = sections.flatMap((section) => failures(section.checks)).length;
  lines.push('', failed === 0 ? 'Everything checked is in order.' : `${failed} to fix (✗).`);
  return lines.join('\n');
}
