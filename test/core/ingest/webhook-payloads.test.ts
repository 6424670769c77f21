import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  commentPayloadShape,
  pullPayloadShape,
  readPayload,
  threadShape,
  workflowJobPayloadShape,
  workflowRunPayloadShape,
} from '../../../src/core/ingest/webhook-payloads.ts';

type Example = Record<string, unknown> & { action?: string };
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as {
  name: string;
  examples: Example[];
}[];
/** Real payloads, as an App receives them (an App's deliveries always name the installation). */
function real(event: string): Example[] {
  const set = examples.find((e) => e.name === event)!.examples;
  return set.map((e) => ({ installation: { id: 42 }, ...e }));
}
const issueComment = commentPayloadShape.extend({ issue: threadShape });
const reviewComment = commentPayloadShape.extend({ pull_request: threadShape });

describe('webhook payload shapes', () => {
  it.each([
    ['issue_comment', issueComment],
    ['pull_request_review_comment', reviewComment],
    ['workflow_run', workflowRunPayloadShape],
    ['workflow_job', workflowJobPayloadShape],
    ['pull_request', pullPayloadShape],
    ['pull_request_review', pullPayloadShape],
  ] as const)('reads every real %s payload', (event, shape) => {
    for (const payload of real(event)) expect(() => readPayload(shape, event, payload)).not.toThrow();
  });

  const base = real('issue_comment').find((p) => p.action === 'created')!;
  // biome-ignore lint/suspicious/noExplicitAny: a payload bent freely by the cases below
  const edit = (change: (p: Record<string, any>) => void) => {
    // biome-ignore lint/suspicious/noExplicitAny: as above
    const copy = structuredClone(base) as Record<string, any>;
    change(copy);
    return copy;
  };

  it.each([
    ['no installation', edit((p) => delete p.installation), /installation/],
    ['installation.id 1.5', edit((p) => (p.installation.id = 1.5)), /installation\.id/],
    ['installation.id as a string', edit((p) => (p.installation.id = '42')), /installation\.id/],
    ['an id beyond a safe integer', edit((p) => (p.comment.id = 2 ** 60)), /comment\.id/],
    ['no repository.owner', edit((p) => delete p.repository.owner), /repository\.owner/],
    ['an empty owner login', edit((p) => (p.repository.owner.login = '')), /repository\.owner\.login/],
    ['a repository name with a slash', edit((p) => (p.repository.name = '../x')), /repository\.name/],
    ['a repository named ..', edit((p) => (p.repository.name = '..')), /repository\.name/],
    ['no comment id', edit((p) => delete p.comment.id), /comment\.id/],
    ['no comment user', edit((p) => delete p.comment.user), /comment\.user/],
    ['no issue number', edit((p) => delete p.issue.number), /issue\.number/],
    ['a negative issue number', edit((p) => (p.issue.number = -1)), /issue\.number/],
  ])('refuses a payload with %s, for good, naming the field', (_what, payload, field) => {
    let thrown: unknown;
    try {
      readPayload(issueComment, 'issue_comment', payload);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      code: 'malformed_payload',
      permanent: true,
      message: expect.stringMatching(field),
    });
  });

  it('reads a comment whose body is null as empty', () => {
    const payload = edit((p) => (p.comment.body = null));
    expect(readPayload(issueComment, 'issue_comment', payload).comment.body).toBe('');
  });
});
