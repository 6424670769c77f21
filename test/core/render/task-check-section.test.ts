// The task's half of the review check's summary, rendered by a real CommonMark + GFM renderer
// (micromark): one table row whatever the job reported, and a request that renders as text.
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { type CheckedTask, taskCheckSection } from '../../../src/core/render/task-check-section.ts';

const render = (markdown: string) =>
  micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()] });

const task = (over: Partial<CheckedTask> = {}): CheckedTask => ({
  id: 42,
  issueNumber: 7,
  trigger: 'comment',
  issueTitle: 'Add a greeting',
  requesterLogin: 'alice',
  state: 'succeeded',
  engine: 'claude-code',
  usage: {
    turns: 3,
    inputTokens: 1200,
    outputTokens: 340,
    costUsd: 0.12,
    durationMs: 9000,
    engineVersion: '2.0.1',
    model: null,
  },
  costUsd: 0.1234,
  workflowRunUrl: 'https://github.com/o/r/actions/runs/9',
  prompt: 'add hello.txt',
  ...over,
});

describe('taskCheckSection', () => {
  it('names the task, its origin, requester, state, usage and run', () => {
    const section = taskCheckSection(task({ state: 'waiting_approval' }));
    expect(section).toContain('**Agent task 42** for #7, requested by @alice: waiting approval.');
    expect(section).toContain(
      '| claude-code 2.0.1 | 3 | 1200 / 340 | $0.12 | [logs](https://github.com/o/r/actions/runs/9) |',
    );
    expect(section).toContain('add hello.txt');
  });

  it('shows a dash for what is not known yet, and a schedule as the origin', () => {
    const section = taskCheckSection(
      task({
        issueNumber: null,
        trigger: 'schedule',
        issueTitle: 'nightly',
        usage: null,
        costUsd: null,
        workflowRunUrl: null,
      }),
    );
    expect(section).toContain('for the schedule `nightly`');
    expect(section).toContain('| claude-code | — | — / — | — | — |');
  });

  it('keeps one table row and renders the request as text, whatever the job and requester wrote', () => {
    const hostile = task({
      engine: 'x | y',
      usage: { ...task().usage!, engineVersion: '1 |\n| injected | row |' },
      prompt: '# heading\n\n| a | b |\n| - | - |\n\n<img src=x> @org/team closes #1 ![i](https://e/x.png)',
    });
    const html = render(taskCheckSection(hostile));
    expect(html.match(/<tr>/g)).toHaveLength(2); // the header and one row
    expect(html).not.toMatch(/<img|<h1|<a href="https:\/\/e/);
    expect(html).not.toContain('injected</td>');
  });
});
