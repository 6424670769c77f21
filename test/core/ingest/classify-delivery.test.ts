import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/core/command/parse-command.ts';
import { classifyDelivery } from '../../../src/core/ingest/classify-delivery.ts';

/** Comments built from the pieces that decide whether a line is a command. */
const commentBody = fc
  .array(
    fc.constantFrom(
      '/agent fix it',
      '/agent',
      '   /agent add tests',
      '    /agent indented',
      '> /agent quoted',
      '<!--',
      '-->',
      '<!-- /agent inline -->',
      '<pre>',
      '</pre>',
      '<code>',
      '</code>',
      '<div hidden>',
      '</div>',
      '```',
      '~~~',
      'text',
      '',
    ),
    { maxLength: 8 },
  )
  .map((lines) => lines.join('\n'));

describe('classifyDelivery', () => {
  it.each([
    ['issue_comment', 'created', '/agent add a test', 'process'],
    ['issue_comment', 'created', 'Thanks!\n  /agent fix it', 'process'],
    ['issue_comment', 'created', 'we could ask /agent later', 'ignore'],
    ['issue_comment', 'created', 'no command here', 'ignore'],
    ['issue_comment', 'edited', '/agent add a test', 'process'],
    ['issue_comment', 'edited', 'no command here', 'ignore'],
    ['issue_comment', 'deleted', '/agent add a test', 'ignore'],
    ['issue_comment', 'created', '<!--\n/agent run hidden\n-->', 'ignore'],
    ['issue_comment', 'created', '<pre>\n/agent run code\n</pre>', 'ignore'],
    ['issue_comment', 'created', '```\n/agent run code\n```', 'ignore'],
    ['pull_request_review_comment', 'created', '/agent rename this', 'process'],
    ['pull_request_review_comment', 'edited', '/agent rename this', 'process'],
  ])('%s.%s with %j → %s', (event, action, body, expected) => {
    expect(classifyDelivery(event, { action, comment: { body } })).toBe(expected);
  });

  it('processes an edit that removed a command: the request it made may be waiting', () => {
    const payload = {
      action: 'edited',
      comment: { body: 'never mind' },
      changes: { body: { from: '/agent x' } },
    };
    expect(classifyDelivery('issue_comment', payload)).toBe('process');
  });

  it('agrees with the command parser on every comment', () => {
    fc.assert(
      fc.property(commentBody, (body) => {
        const queued =
          classifyDelivery('issue_comment', { action: 'created', comment: { body } }) === 'process';
        expect(queued).toBe(parseCommand(body).found);
      }),
      { numRuns: 500 },
    );
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

  it('processes only pushes to the default branch that touch .github/agent.yml', () => {
    const push = (ref: string, commits: unknown[]) => ({
      ref,
      repository: { default_branch: 'main' },
      commits,
    });
    const touching = [{ added: [], modified: ['.github/agent.yml'], removed: [] }];
    expect(classifyDelivery('push', push('refs/heads/main', touching))).toBe('process');
    expect(classifyDelivery('push', push('refs/heads/main', [{ removed: ['.github/agent.yml'] }]))).toBe(
      'process',
    );
    expect(classifyDelivery('push', push('refs/heads/topic', touching))).toBe('ignore');
    expect(classifyDelivery('push', push('refs/heads/main', [{ modified: ['README.md'] }]))).toBe('ignore');
    // GitHub lists at most 20 commits: with that many, the file is read again to be sure.
    expect(classifyDelivery('push', push('refs/heads/main', Array(20).fill({ modified: ['a'] })))).toBe(
      'process',
    );
  });

  it('ignores a comment without a body', () => {
    expect(classifyDelivery('issue_comment', { action: 'created', comment: {} })).toBe('ignore');
  });
});
