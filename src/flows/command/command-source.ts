// The facts about a command comment that the services need, taken from either webhook
// (`issue_comment` or `pull_request_review_comment`, created or edited). The payload is checked
// against the shape the flows read; a malformed one is a permanent `malformed_payload` failure.
import type { Actor } from '../../core/access/decide-access.ts';
import { commentPayloadShape, readPayload, threadShape } from '../../core/ingest/webhook-payloads.ts';
import type { CommentKind } from '../../core/task/task.ts';

export type CommandSource = {
  deliveryId: string;
  installationId: number;
  repo: { id: number; owner: string; name: string; defaultBranch: string };
  issue: { number: number; title: string; body: string; htmlUrl: string; isPullRequest: boolean };
  comment: {
    kind: CommentKind;
    id: number;
    body: string;
    /** GitHub's times (whole seconds). */
    createdAt: string;
    updatedAt: string;
    previousBody?: string;
  };
  sender: Actor;
};

const issueCommentShape = commentPayloadShape.extend({ issue: threadShape });
const reviewCommentShape = commentPayloadShape.extend({ pull_request: threadShape });

export function commandSourceFrom(event: string, deliveryId: string, payload: unknown): CommandSource {
  const reviewComment = event === 'pull_request_review_comment';
  const shape = reviewComment
    ? readPayload(reviewCommentShape, event, payload)
    : readPayload(issueCommentShape, event, payload);
  const thread = 'pull_request' in shape ? shape.pull_request : shape.issue;
  const { comment, repository } = shape;
  return {
    deliveryId,
    installationId: shape.installation.id,
    repo: {
      id: repository.id,
      owner: repository.owner.login,
      name: repository.name,
      defaultBranch: repository.default_branch ?? 'main',
    },
    issue: {
      number: thread.number,
      title: thread.title,
      body: thread.body,
      htmlUrl: thread.html_url ?? '',
      isPullRequest: reviewComment || thread.pull_request !== undefined,
    },
    comment: {
      kind: reviewComment ? 'review_comment' : 'issue_comment',
      id: comment.id,
      body: comment.body,
      createdAt: comment.created_at ?? new Date().toISOString(),
      updatedAt: comment.updated_at ?? comment.created_at ?? new Date().toISOString(),
      ...(shape.changes?.body && { previousBody: shape.changes.body.from }),
    },
    // Who wrote the comment (the sender of an edit may be a maintainer editing it).
    sender: { login: comment.user.login, id: comment.user.id, type: comment.user.type },
  };
}
