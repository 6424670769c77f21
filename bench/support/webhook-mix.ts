// A mix of real webhook deliveries (from @octokit/webhooks-examples), rewritten to name one
// installation and repository of the simulator, each body signed once (the delivery id, which
// changes per request, is a header): `/agent` commands from users without access to the
// repository (the App refuses them), events the App looks up and finds nothing to do for, and
// events it records and ignores.
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
type Json = Record<string, unknown>;
type Example = { name: string; examples: Json[] };

export type Target = {
  installationId: number;
  repo: { id: number; owner: string; name: string };
  issueNumber: number;
  /** Comments that carry `/agent …`, by users without access to the repository. */
  commands: { commentId: number; body: string; user: { login: string; id: number } }[];
};

export type Delivery = { event: string; kind: Kind; body: string; signature: string };
export type Kind = 'refused command' | 'looked up' | 'ignored';

/** One round of the mix, events the App subscribes to (app.yml): how many of each, in order. */
const ROUND: { event: string; action?: string; kind: Kind; count: number }[] = [
  { event: 'issue_comment', action: 'created', kind: 'refused command', count: 2 },
  { event: 'workflow_job', action: 'completed', kind: 'looked up', count: 1 },
  { event: 'workflow_run', action: 'completed', kind: 'looked up', count: 1 },
  { event: 'pull_request', action: 'closed', kind: 'looked up', count: 1 },
  { event: 'issue_comment', action: 'created', kind: 'ignored', count: 7 },
  { event: 'issue_comment', action: 'deleted', kind: 'ignored', count: 1 },
  { event: 'pull_request_review_comment', action: 'created', kind: 'ignored', count: 2 },
  { event: 'push', kind: 'ignored', count: 5 },
];

function examples(): Example[] {
  const file = path.join(ROOT, 'node_modules/@octokit/webhooks-examples/api.github.com/index.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Example[];
}

function pick(all: Example[], event: string, action?: string): Json {
  const found = all
    .find((e) => e.name === event)
    ?.examples.find((x) => action === undefined || x.action === action);
  if (!found) throw new Error(`no ${event}${action ? `.${action}` : ''} in @octokit/webhooks-examples`);
  return found;
}

/** The example, made to come from the target's installation and repository. */
function retarget(example: Json, target: Target): Json {
  const payload: Json = structuredClone(example);
  payload.installation = { id: target.installationId, node_id: `MDIz${target.installationId}` };
  const repository = payload.repository as Json | undefined;
  if (repository) {
    const owner = { ...(repository.owner as Json), login: target.repo.owner };
    payload.repository = {
      ...repository,
      id: target.repo.id,
      name: target.repo.name,
      full_name: `${target.repo.owner}/${target.repo.name}`,
      owner,
    };
  }
  // A push to a branch other than the default (one to the default branch that touches
  // `.github/agent.yml` is work; this is not).
  if (typeof payload.ref === 'string') payload.ref = 'refs/heads/soak-topic';
  return payload;
}

function comment(example: Json, target: Target, n: number, command: boolean): Json {
  const payload = retarget(example, target);
  const issue: Json = { ...(payload.issue as Json), number: target.issueNumber };
  delete issue.pull_request;
  payload.issue = issue;
  if (!command) {
    payload.comment = { ...(payload.comment as Json), body: `Looks good to me (${n}).` };
    return payload;
  }
  const asked = target.commands[n % target.commands.length]!;
  const user = { ...(payload.sender as Json), login: asked.user.login, id: asked.user.id, type: 'User' };
  payload.sender = user;
  payload.comment = { ...(payload.comment as Json), id: asked.commentId, body: asked.body, user };
  return payload;
}

/** The deliveries of one round, each a distinct body; cycle through them for the whole load. */
export function webhookMix(target: Target, secret: string): Delivery[] {
  const all = examples();
  const deliveries: Delivery[] = [];
  let n = 0;
  for (const slot of ROUND) {
    for (let i = 0; i < slot.count; i++, n++) {
      const example = pick(all, slot.event, slot.action);
      const payload =
        slot.event === 'issue_comment'
          ? comment(example, target, n, slot.kind === 'refused command')
          : retarget(example, target);
      const body = JSON.stringify(payload);
      const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
      deliveries.push({ event: slot.event, kind: slot.kind, body, signature });
    }
  }
  return deliveries;
}

export function deliveryHeaders(delivery: Delivery): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-github-event': delivery.event,
    'x-github-delivery': randomUUID(),
    'x-hub-signature-256': delivery.signature,
  };
}
