// Hostile input: results the action never makes, posted for a task's run as a job that holds
// the run's token could. The change is judged as the tree GitHub would build from it: a
// directory deleted as one path, or a symlink, a file or a submodule written in its place, counts
// every file it removes against the limits and the protected paths; a path that is both a file
// and a directory is refused. Nothing is published.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Change, type JobResult, reportSchema } from '../../src/contract/job-result.ts';
import type { Task } from '../../src/core/task/task.ts';
import { acceptResult } from '../../src/flows/run/accept-result.ts';
import { COMMAND_CONFIG, type Stack, startStack } from '../support/stack.ts';
import { botComments, ended, expectOnly, footprint, REPO, taskOn } from './support.ts';

const BIG = `${Array.from({ length: 3000 }, (_, i) => `row ${i}`).join('\n')}\n`;
const b64 = (text: string) => Buffer.from(text).toString('base64');

const result = (changes: Change[]): JobResult => ({
  outcome: 'completed',
  changes,
  patch: '',
  report: reportSchema.parse({ engine: 'command', exitCode: 0, summary: 'forged' }),
});

const removedWeb = [
  '`packages/web/CLAUDE.md` — **denied-path**: the change removes it with `packages/web`',
  '`packages/web/.claude/settings.json` — **denied-path**: the change removes it with `packages/web`',
];

describe('hostile results', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      files: {
        'agent.sh': '#!/usr/bin/env bash\necho unused > unused.txt\n',
        'packages/web/CLAUDE.md': 'Be helpful.\n',
        'packages/web/.claude/settings.json': '{}\n',
        'packages/web/src/app.ts': BIG,
        'packages/data/rows.csv': BIG,
        'docs/index.md': '# docs\n',
      },
      agentConfig: { ...COMMAND_CONFIG, concurrency: 10 },
      users: { maria: 'write' },
    });
    // Runs wait at the environment gate: the job never runs, the forged result is the only one.
    stack.sim.setEnvironment(REPO, 'agent', { reviewers: ['maria'] });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  async function heldTask(title: string): Promise<Task> {
    const issue = await stack.issue(title);
    await stack.comment(issue, 'alice', '/agent tidy the packages');
    const created = await taskOn(stack, issue);
    return stack.waitForTask(
      (t) => t.id === created.id && t.state === 'waiting_approval',
      'the task to wait at the gate',
      60_000,
    );
  }

  it.each([
    ['deletes the directory as one path', [{ path: 'packages/web', status: 'deleted' }], removedWeb],
    [
      'puts a symlink in place of the directory',
      [{ path: 'packages/web', status: 'added', mode: '120000', content: b64('../docs') }],
      removedWeb,
    ],
    [
      'puts a file in place of the directory',
      [{ path: 'packages/web', status: 'added', mode: '100644', content: b64('gone\n') }],
      removedWeb,
    ],
    [
      'puts a submodule in place of the directory',
      [{ path: 'packages/web', status: 'added', mode: '160000', content: b64('a'.repeat(40)) }],
      ['`packages/web` — **submodule**'],
    ],
    [
      'deletes a directory of 3,000 lines as one path',
      [{ path: 'packages/data', status: 'deleted' }],
      ['`(change)` — **too-many-lines**: 3001 lines; the limit is 2000'],
    ],
    [
      'replaces a directory of 3,000 lines by a symlink',
      [{ path: 'packages/data', status: 'added', mode: '120000', content: b64('../docs') }],
      ['`(change)` — **too-many-lines**'],
    ],
    [
      'makes a path a file and writes under it',
      [
        { path: 'notes', status: 'added', mode: '100644', content: b64('a\n') },
        { path: 'notes/today.md', status: 'added', mode: '100644', content: b64('b\n') },
      ],
      ['`notes/today.md` — **invalid-path**: the change also writes `notes` as a file'],
    ],
    [
      'deletes a path the base does not have',
      [{ path: 'no/such/file.txt', status: 'deleted' }],
      ['`no/such/file.txt` — **invalid-path**: the change deletes a path that the base tree does not have'],
    ],
  ] as [string, Change[], string[]][])(
    'refuses a result that %s and publishes nothing',
    async (what, changes, listed) => {
      const task = await heldTask(`Forged: ${what}`);
      const before = await footprint(stack);
      const outcome = await acceptResult(stack.app.pool, task.id, task.workflowRunId!, result(changes));
      expect(outcome).toMatchObject({ ok: true, state: 'publishing' });
      const done = await ended(stack, task.id);
      expect(done.state).toBe('rejected');
      expect(done.errorCode).toBe('policy_violation');
      expect(done.branch).toBeNull();
      const after = await footprint(stack);
      expectOnly(before, after, { botComments: after.botComments });
      const status = await stack.waitFor(
        async () =>
          (await botComments(stack, task.issueNumber!)).find(
            (b) =>
              b.includes(`agent-dispatch:task=${task.id}`) && b.includes('refused by the repository policy'),
          ),
        'the status comment to list the violations',
      );
      for (const line of listed) expect(status).toContain(line);
    },
    90_000,
  );

  it('publishes a directory deleted as one path, file by file, as the tree the policy judged', async () => {
    const task = await heldTask('Forged but harmless');
    const changes: Change[] = [
      { path: 'docs', status: 'deleted' },
      { path: 'docs/index.md/notes.md', status: 'added', mode: '100644', content: b64('# moved\n') },
    ];
    // `docs/index.md/…` is under a file the change deletes with `docs`: a directory again.
    await acceptResult(stack.app.pool, task.id, task.workflowRunId!, result(changes));
    const done = await ended(stack, task.id);
    expect(done.state).toBe('succeeded');
    const files = (await stack.sim.git.run(REPO, ['ls-tree', '-r', '--name-only', done.commitSha!])).split(
      '\n',
    );
    expect(files.filter((f) => f.startsWith('docs'))).toEqual(['docs/index.md/notes.md']);
  }, 90_000);
});
