// Decides, from the event alone, whether a delivery needs work. Every delivery is recorded (so
// the redelivery reconciler knows it arrived); only these are queued, with their payload. A
// comment counts when the command parser finds a command in it — the same parser that reads it
// later, so a command hidden in an HTML comment or a `<pre>` block is neither queued nor run.
import { parseCommand } from '../command/parse-command.ts';

export type DeliveryClass = 'process' | 'ignore';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

const holdsCommand = (body: string) => parseCommand(body).found;
/** A comment the App made to show a handoff to approve (an edit of it is refused). */
const isHandoffComment = (body: string) => body.startsWith('<!-- agent-dispatch:handoff=');

const CONFIG_FILE = '.github/agent.yml';

/** A push to the default branch that touches `.github/agent.yml` (or lists too many commits to tell). */
function changesConfig(payload: Json): boolean {
  const repository = obj(payload.repository);
  const branch = text(repository.default_branch) || text(repository.master_branch);
  if (!branch || text(payload.ref) !== `refs/heads/${branch}`) return false;
  const commits = Array.isArray(payload.commits) ? payload.commits : [];
  // GitHub lists at most 20 commits in a push; beyond that, read the file again to be sure.
  if (commits.length >= 20) return true;
  return commits.some((commit) =>
    ['added', 'modified', 'removed'].some((field) => {
      const paths = obj(commit)[field];
      return Array.isArray(paths) && paths.includes(CONFIG_FILE);
    }),
  );
}

export function classifyDelivery(event: string, payload: Json): DeliveryClass {
  const action = text(payload.action);
  switch (event) {
    case 'issue_comment':
    case 'pull_request_review_comment': {
      const body = text(obj(payload.comment).body);
      // New comments start work. An edit matters only to a command (it may change a request
      // still waiting for approval, or undo it); deletions never do.
      if (action === 'created') return holdsCommand(body) ? 'process' : 'ignore';
      if (action === 'edited') {
        const before = text(obj(obj(payload.changes).body).from);
        return holdsCommand(body) || holdsCommand(before) || isHandoffComment(before) ? 'process' : 'ignore';
      }
      return 'ignore';
    }
    case 'push':
      return changesConfig(payload) ? 'process' : 'ignore';
    case 'workflow_run':
    case 'workflow_job':
    case 'deployment_protection_rule':
    case 'pull_request':
    case 'pull_request_review':
    case 'installation':
    case 'installation_repositories':
      return 'process';
    default:
      return 'ignore';
  }
}
