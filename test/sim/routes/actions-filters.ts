// Filters of the workflow-run list endpoints: actor, branch, event, status (or conclusion),
// created (GitHub's date-range syntax) and head_sha.
import type { SimCore } from '../core.ts';
import type { WorkflowRun } from '../state/actions-types.ts';

export function matchesCreated(createdAt: string, filter: string): boolean {
  const range = /^(.+)\.\.(.+)$/.exec(filter);
  if (range) return createdAt >= normalize(range[1] ?? '') && createdAt <= normalize(range[2] ?? '', true);
  const compare = /^(>=|<=|>|<)(.+)$/.exec(filter);
  if (compare) {
    const value = compare[2] ?? '';
    switch (compare[1]) {
      case '>=':
        return createdAt >= normalize(value);
      case '<=':
        return createdAt <= normalize(value, true);
      case '>':
        return createdAt > normalize(value, true);
      default:
        return createdAt < normalize(value);
    }
  }
  return createdAt.startsWith(filter);
}

function normalize(value: string, end = false): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return end ? `${value}T23:59:59Z` : `${value}T00:00:00Z`;
  return value === '*' ? (end ? '9999' : '0000') : value;
}

export function filterRuns(sim: SimCore, runs: WorkflowRun[], query: URLSearchParams): WorkflowRun[] {
  const actor = query.get('actor');
  const branch = query.get('branch');
  const event = query.get('event');
  const status = query.get('status');
  const created = query.get('created');
  const headSha = query.get('head_sha');
  return runs
    .filter((run) => !actor || sim.store.accounts.get(run.actorId)?.login === actor)
    .filter((run) => !branch || run.headBranch === branch)
    .filter((run) => !event || run.event === event)
    .filter((run) => !status || run.status === status || run.conclusion === status)
    .filter((run) => !created || matchesCreated(run.createdAt, created))
    .filter((run) => !headSha || run.headSha === headSha)
    .sort((a, b) => b.id - a.id);
}
