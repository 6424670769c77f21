// The `push` webhook of a branch that moved by a push (the scripted `push` of a person): one
// commit, with the paths it added, modified and removed, as GitHub lists them. Fields the
// simulator does not model come from GitHub's example of the event (fit-to-example).
import type { SimCore } from '../core.ts';
import { isoNow } from './ids.ts';
import { mustAccount } from './store.ts';
import type { Repo } from './types.ts';

export type PushedCommit = {
  sha: string;
  message: string;
  added: string[];
  modified: string[];
  removed: string[];
};

export function emitPush(
  sim: SimCore,
  repo: Repo,
  push: { branch: string; before: string | null; commit: PushedCommit; senderId: number },
) {
  const sender = mustAccount(sim.store, push.senderId);
  const owner = mustAccount(sim.store, repo.ownerId);
  const web = `${sim.url}/${owner.login}/${repo.name}`;
  const zero = '0'.repeat(40);
  const person = {
    name: sender.login,
    email: `${sender.id}+${sender.login}@users.noreply.sim`,
    username: sender.login,
  };
  const commit = {
    id: push.commit.sha,
    tree_id: push.commit.sha,
    distinct: true,
    message: push.commit.message,
    timestamp: isoNow(sim.clock.now()),
    url: `${web}/commit/${push.commit.sha}`,
    author: person,
    committer: person,
    added: push.commit.added,
    removed: push.commit.removed,
    modified: push.commit.modified,
  };
  return sim.webhooks.emit({
    event: 'push',
    action: null,
    repo,
    sender,
    build: () => ({
      ref: `refs/heads/${push.branch}`,
      before: push.before ?? zero,
      after: push.commit.sha,
      created: push.before === null,
      deleted: false,
      forced: false,
      base_ref: null,
      compare: `${web}/compare/${(push.before ?? zero).slice(0, 12)}...${push.commit.sha.slice(0, 12)}`,
      commits: [commit],
      head_commit: commit,
      pusher: { name: sender.login, email: person.email },
    }),
  });
}
