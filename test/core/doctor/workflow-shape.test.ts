import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  analyseWorkflow as analyseParsed,
  type WorkflowDocument,
} from '../../../src/core/doctor/workflow-shape.ts';
import { WORKFLOW_TEMPLATE } from '../../support/system.ts';

/** What the flow hands over: the file parsed, or YAML's complaint. */
function document(text: string): WorkflowDocument {
  try {
    return { parsed: parse(text) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}
const analyseWorkflow = (text: string, environment: string) => analyseParsed(document(text), environment);

const swap = (from: string | RegExp, to: string) => {
  const changed = WORKFLOW_TEMPLATE.replace(from, to);
  if (changed === WORKFLOW_TEMPLATE) throw new Error(`the template has no ${String(from)}`);
  return changed;
};

describe('analyseWorkflow', () => {
  it('finds nothing wrong with the template, and reads the keys it passes and the App URL', () => {
    expect(analyseWorkflow(WORKFLOW_TEMPLATE, 'agent')).toEqual({
      problems: [],
      secrets: ['ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'OPENAI_API_KEY'],
      appUrl: `$${'{{'} vars.AGENT_DISPATCH_URL }}`,
    });
  });

  it.each([
    [
      'another trigger',
      swap('  workflow_dispatch:\n', '  push:\n  workflow_dispatch:\n'),
      /also starts on `push`/,
      false,
    ],
    ['no task_id input', swap('      task_id:\n', '      other:\n'), /cannot dispatch it/, true],
    [
      'permissions at the top',
      swap('permissions: {}\n', 'permissions: write-all\n'),
      /`permissions: \{\}` at the top/,
      false,
    ],
    [
      'a wider job token',
      swap('contents: read # check out the repository', 'contents: write'),
      /asks for contents: write/,
      false,
    ],
    ['no id-token', swap(/ {6}id-token: write.*\n/, ''), /no `id-token: write`/, true],
    [
      'another environment',
      swap('    environment: agent\n', '    environment: prod\n'),
      /runs in environment `prod`, not `agent`/,
      false,
    ],
    [
      'an unpinned action',
      swap(/agent-dispatch\/agent-dispatch@[0-9a-f]{40}/, 'agent-dispatch/agent-dispatch@main'),
      /is not pinned to a commit/,
      false,
    ],
    [
      'an untrusted expression',
      swap(
        '      - id: task\n',
        `      - run: echo "$${'{{'} github.event.issue.title }}"\n      - id: task\n`,
      ),
      /expands event or input text/,
      false,
    ],
    ['not YAML', 'jobs: [\n', /is not valid YAML/, true],
  ])('flags %s', (_label, text, message, blocking) => {
    const { problems } = analyseWorkflow(text, 'agent');
    const problem = problems.find((p) => message.test(p.message));
    expect(problem, JSON.stringify(problems)).toBeDefined();
    expect(problem?.blocking).toBe(blocking);
    expect(problem?.fix).toMatch(/\S/);
  });

  it('notices a run step that no longer passes an engine key', () => {
    const text = swap(/ {10}OPENAI_API_KEY: .*\n/, '');
    expect(analyseWorkflow(text, 'agent').secrets).toEqual(['ANTHROPIC_API_KEY', 'GEMINI_API_KEY']);
  });
});
