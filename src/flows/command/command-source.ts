// The facts about a command comment that the services need, taken from either webhook
// (`issue_comment` or `pull_request_review_comment`).
import type { Actor } from '../../core/access/decide-access.ts';
import type { CommentKind } from '../../core/task/task.ts';

export type CommandSource = {
  deliveryId: string;
  installationId: number;
  repo: { id: number; owner: string; name: string; defaultBranch: string };
  issue: { number: number; title: string; body: string; isPullRequest: boolean };
  comment: { kind: CommentKind; id: number; body: string };
  sender: Actor;
};

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const int = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);

export function commandSourceFrom(event: string, deliveryId: string, payload: Json): CommandSource {
  const repository = obj(payload.repository);
  const comment = obj(payload.comment);
  const user = obj(comment.user);
  const issue = event === 'pull_request_review_comment' ? obj(payload.pull_request) : obj(payload.issue);
  const source: CommandSource = {
    deliveryId,
    installationId: int(obj(payload.installation).id),
    repo: {
      id: int(repository.id),
      owner: str(obj(repository.owner).login),
      name: str(repository.name),
      defaultBranch: str(repository.default_branch) || 'main',
    },
    issue: {
      number: int(issue.number),
      title: str(issue.title),
      body: str(issue.body),
      isPullRequest: event === 'pull_request_review_comment' || issue.pull_request !== undefined,
    },
    comment: {
      kind: event === 'pull_request_review_comment' ? 'review_comment' : 'issue_comment',
      id: int(comment.id),
      body: str(comment.body),
    },
    sender: { login: str(user.login), id: int(user.id), type: str(user.type) || 'User' },
  };
  const missing = [
    ['installation.id', source.installationId],
    ['repository.id', source.repo.id],
    ['issue number', source.issue.number],
    ['comment.id', source.comment.id],
    ['comment.user.id', source.sender.id],
  ].filter(([, value]) => !Number.isFinite(value as number));
  if (missing.length > 0)
    throw new Error(`webhook payload lacks ${missing.map(([name]) => name).join(', ')}`);
  return source;
}
