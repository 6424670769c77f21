// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings hold GitHub ${{ }} expressions, not JavaScript templates.
import { describe, expect, it } from 'vitest';
import {
  type ExpressionContext,
  ExpressionError,
  evaluate,
  evaluateCondition,
  substitute,
} from './expressions.ts';

const ctx: ExpressionContext = {
  contexts: {
    github: {
      event_name: 'workflow_dispatch',
      repository: 'octo-org/widgets',
      event: { issue: { number: 42, labels: ['bug', 'agent'] } },
    },
    inputs: { task_id: '17', flag: 'true' },
    secrets: { API_KEY: 'sk-1' },
    vars: { MODEL: 'sonnet' },
    env: { STAGE: 'test' },
    steps: {
      'pre-check': { outputs: { result: 'ok', 'with-dash': 'd' }, outcome: 'success', conclusion: 'success' },
    },
    job: { status: 'success' },
  },
  status: 'success',
};

describe('evaluate', () => {
  it.each([
    ["github.event_name == 'workflow_dispatch'", true],
    ["github.EVENT_NAME == 'WORKFLOW_DISPATCH'", true],
    ['inputs.task_id == 17', true],
    ["inputs.task_id != '17'", false],
    ['inputs.missing', null],
    ['github.event.issue.number', 42],
    ["github['event']['issue'].number > 41", true],
    ['github.event.issue.labels[1]', 'agent'],
    ['steps.pre-check.outputs.result', 'ok'],
    ["steps.pre-check.outputs['with-dash']", 'd'],
    ['secrets.API_KEY', 'sk-1'],
    ['vars.MODEL', 'sonnet'],
    ['env.STAGE', 'test'],
    ['job.status', 'success'],
    ["'it''s'", "it's"],
    ['!inputs.missing', true],
    ["inputs.missing || 'fallback'", 'fallback'],
    ["inputs.task_id && 'yes'", 'yes'],
    ["'' && 'yes'", ''],
    ['1 < 2 && 2 <= 2 && 3 > 2 && 3 >= 3', true],
    ["true == 1 && null == 0 && '' == 0", true],
    ["contains(github.event.issue.labels, 'AGENT')", true],
    ["contains('Hello world', 'WORLD')", true],
    ["startsWith(github.repository, 'octo-')", true],
    ["endsWith(github.repository, '/widgets')", true],
    ["format('{0} #{1} {{braces}}', 'issue', 42)", 'issue #42 {braces}'],
    ["join(github.event.issue.labels, ' + ')", 'bug + agent'],
    ['fromJSON(\'{"a":[1,2]}\').a[1]', 2],
    ['toJSON(inputs.task_id)', '"17"'],
    ['success()', true],
    ['failure()', false],
    ['always()', true],
    ['cancelled()', false],
    ['(1 == 1) && !(2 == 3)', true],
    ['0x10 == 16', true],
  ])('%s → %j', (expression, expected) => {
    expect(evaluate(expression, ctx)).toEqual(expected);
  });

  it.each([
    ['unknownFunction()', "Unrecognized function: 'unknownFunction'"],
    ['hashFiles("x")', "Unexpected symbol: '\"'"],
    ["hashFiles('**/x')", "Unrecognized function: 'hashFiles'"],
    ['nocontext.value', "Unrecognized named-value: 'nocontext'"],
    ['1 ==', 'Unexpected end of expression'],
    ["'open", 'missing closing quote'],
    ['success(1)', 'success() takes 0 arguments'],
  ])('rejects %s with a clear error', (expression, message) => {
    expect(() => evaluate(expression, ctx)).toThrow(ExpressionError);
    expect(() => evaluate(expression, ctx)).toThrow(message);
  });
});

describe('substitute', () => {
  it('replaces every expression by its text', () => {
    expect(
      substitute('task ${{ inputs.task_id }} on ${{ github.repository }}: ${{ inputs.none }}.', ctx),
    ).toBe('task 17 on octo-org/widgets: .');
  });

  it('keeps }} inside a string literal', () => {
    expect(substitute("${{ 'a}}b' }}", ctx)).toBe('a}}b');
  });

  it('renders objects as JSON and booleans as words', () => {
    expect(substitute('${{ github.event.issue.labels }} ${{ 1 == 1 }}', ctx)).toBe(
      '[\n  "bug",\n  "agent"\n] true',
    );
  });

  it('fails on an unclosed expression', () => {
    expect(() => substitute('echo ${{ inputs.task_id', ctx)).toThrow('Unclosed expression');
  });
});

describe('evaluateCondition', () => {
  const failed: ExpressionContext = { ...ctx, status: 'failure' };
  const cancelled: ExpressionContext = { ...ctx, status: 'cancelled' };

  it.each([
    ['no condition after success', undefined, ctx, true],
    ['no condition after a failure', undefined, failed, false],
    ['a plain condition after a failure (success() is implied)', "inputs.task_id == '17'", failed, false],
    ['a plain condition after success', "inputs.task_id == '17'", ctx, true],
    ['a wrapped condition', "${{ inputs.task_id == '17' }}", ctx, true],
    ['failure() after a failure', 'failure()', failed, true],
    ['always() after a cancel', 'always()', cancelled, true],
    ['cancelled() after a cancel', '${{ cancelled() }}', cancelled, true],
    ['success() after a cancel', 'success()', cancelled, false],
    ['!cancelled() after a failure', '!cancelled()', failed, true],
    ['a step outcome', "steps.pre-check.outcome == 'success'", ctx, true],
  ])('%s', (_, condition, context, expected) => {
    expect(evaluateCondition(condition, context)).toBe(expected);
  });
});
