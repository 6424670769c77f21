// The chaos suite's table, printed and written into docs/reliability.md between its markers.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ScenarioResult } from './run.ts';

const DOC = path.resolve(import.meta.dirname, '../../docs/reliability.md');
const START = '<!-- chaos:results:start -->';
const END = '<!-- chaos:results:end -->';

export function formatReport(
  results: ScenarioResult[],
  meta: { tasks: number; repos: number; machine: string; totalSeconds: number },
): string {
  const rows = results.map(({ scenario, figures: f, kills, restarts }) => {
    const chaos =
      scenario.name === 'kill'
        ? `${scenario.title} (${kills} kills)`
        : restarts > kills
          ? `${scenario.title} (${restarts - kills} replica restarts)`
          : scenario.title;
    return `| ${chaos} | ${f.submitted} | ${f.completed} | ${f.failedVisibly} | ${f.lost} | ${f.tasksDuplicated} | ${f.prsDuplicated} | ${f.secondaryLimitViolations} | ${f.drainSeconds === null ? 'did not drain' : `${f.drainSeconds} s`} |`;
  });
  const failures = results.flatMap(({ scenario, figures }) =>
    Object.entries(figures.failures).map(
      ([key, { count, example }]) => `- ${scenario.name}: ${count} × \`${key}\` — “${example}”`,
    ),
  );
  const extra = results.map(
    ({ scenario, figures: f }) =>
      `- ${scenario.name}: runs duplicated ${f.runsDuplicated}, status comments duplicated ${f.statusCommentsDuplicated}; lost = no task ${f.lostDetail.noTask} + not finished ${f.lostDetail.notFinished} + final state not shown ${f.lostDetail.notShown}`,
  );
  const notes = results.map(
    ({ scenario, notes: n }) => `- ${scenario.name}: ${n.length > 0 ? n.join('; ') : '—'}`,
  );
  return [
    `Run on ${meta.machine}; ${meta.tasks} tasks per scenario over ${meta.repos} repositories (one installation each), whole run ${Math.round(meta.totalSeconds / 60)} min.`,
    '',
    '| Scenario | Submitted | Completed | Failed visibly | Lost | Tasks duplicated | PRs duplicated | Secondary-limit violations | Time to drain |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    'Visible failures, by state and reason:',
    '',
    ...(failures.length > 0 ? failures : ['- none']),
    '',
    'Also counted:',
    '',
    ...extra,
    '',
    'What the chaos did (seconds after the first command):',
    '',
    ...notes,
  ].join('\n');
}

export function writeReliabilitySection(markdown: string): void {
  if (!existsSync(DOC)) return;
  const text = readFileSync(DOC, 'utf8');
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from < 0 || to < from) return;
  writeFileSync(
    DOC,
    `${text.slice(0, from)}${START}\n${markdown.trim()}\n${END}${text.slice(to + END.length)}`,
  );
}
