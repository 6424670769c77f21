import { describe, expect, it } from 'vitest';
import { classifyDelivery } from '../../../src/core/ingest/classify-delivery.ts';

describe('classifyDelivery', () => {
  it.each([
    ['issue_comment', 'created', '/agent add a test', 'process'],
    ['issue_comment', 'created', 'Thanks!\n  /agent fix it', 'process'],
    ['issue_comment', 'created', 'we could ask /agent later', 'ignore'],
    ['issue_comment', 'created', 'no command here', 'ignore'],
    ['issue_comment', 'edited', '/agent add a test', 'ignore'],
    ['issue_comment', 'deleted', '/agent add a test', 'ignore'],
    ['pull_request_review_comment', 'created', '/agent rename this', 'process'],
    ['pull_request_review_comment', 'edited', '/agent rename this', 'ignore'],
  ])('%s.%s with %j → %s', (event, action, body, expected) => {
    expect(classifyDelivery(event, { action, comment: { body } })).toBe(expected);
  });

  it.each([
    ['workflow_run', 'process'],
    ['workflow_job', 'process'],
    ['deployment_protection_rule', 'process'],
    ['pull_request', 'process'],
    ['pull_request_review', 'process'],
    ['installation', 'process'],
    ['installation_repositories', 'process'],
    ['ping', 'ignore'],
    ['push', 'ignore'],
    ['star', 'ignore'],
  ])('%s → %s', (event, expected) => {
    expect(classifyDelivery(event, { action: 'x' })).toBe(expected);
  });

  it('ignores a comment without a body', () => {
    expect(classifyDelivery('issue_comment', { action: 'created', comment: {} })).toBe('ignore');
  });
});
