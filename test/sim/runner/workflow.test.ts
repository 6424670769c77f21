// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings hold GitHub ${{ }} expressions, not JavaScript templates.
import { describe, expect, it } from 'vitest';
import { effectivePermissions } from './permissions.ts';
import { DEFAULT_JOB_TIMEOUT_MINUTES, parseWorkflow, WorkflowError } from './workflow.ts';

const TEMPLATE = `
name: Agent
run-name: Agent task \${{ inputs.task_id }}
on:
  workflow_dispatch:
    inputs:
      task_id:
        description: Task to run
        required: true
        type: string
      dry_run:
        type: boolean
        default: false
permissions: {}
env:
  FORCE_COLOR: 0
jobs:
  agent:
    runs-on: ubuntu-latest
    environment:
      name: agent
      url: https://example.com/tasks
    timeout-minutes: 30
    permissions:
      contents: read
      id-token: write
    defaults:
      run:
        shell: bash
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
          fetch-depth: 1
      - id: run
        name: Run the agent
        uses: octo-org/agent-dispatch@v1
        with:
          task-id: \${{ inputs.task_id }}
        env:
          RETRIES: 3
        continue-on-error: \${{ inputs.dry_run }}
      - if: always()
        working-directory: sub
        run: echo done
`;

describe('parseWorkflow', () => {
  it('parses the fields the runner and the simulator use', () => {
    const workflow = parseWorkflow(TEMPLATE);

    expect(workflow.name).toBe('Agent');
    expect(workflow.runName).toBe('Agent task ${{ inputs.task_id }}');
    expect(workflow.on.events).toEqual(['workflow_dispatch']);
    expect(workflow.on.workflow_dispatch?.inputs).toEqual({
      task_id: { description: 'Task to run', required: true, type: 'string', default: undefined },
      dry_run: { description: undefined, required: false, type: 'boolean', default: 'false' },
    });
    expect(workflow.permissions).toEqual({});
    expect(workflow.env).toEqual({ FORCE_COLOR: '0' });
    const job = workflow.jobs.agent!;
    expect(job).toMatchObject({
      id: 'agent',
      runsOn: 'ubuntu-latest',
      environment: { name: 'agent', url: 'https://example.com/tasks' },
      timeoutMinutes: 30,
      permissions: { contents: 'read', 'id-token': 'write' },
      defaults: { shell: 'bash' },
    });
    expect(job.steps).toEqual([
      {
        uses: 'actions/checkout@v4',
        with: { 'persist-credentials': 'false', 'fetch-depth': '1' },
        env: {},
        continueOnError: false,
        id: undefined,
        name: undefined,
        run: undefined,
        shell: undefined,
        if: undefined,
        workingDirectory: undefined,
        timeoutMinutes: undefined,
      },
      expect.objectContaining({
        id: 'run',
        name: 'Run the agent',
        uses: 'octo-org/agent-dispatch@v1',
        with: { 'task-id': '${{ inputs.task_id }}' },
        env: { RETRIES: '3' },
        continueOnError: '${{ inputs.dry_run }}',
      }),
      expect.objectContaining({ if: 'always()', workingDirectory: 'sub', run: 'echo done' }),
    ]);
  });

  it('defaults the job timeout to 360 minutes and accepts fractional minutes', () => {
    const workflow = parseWorkflow(`
on: push
jobs:
  a: { runs-on: ubuntu-latest, steps: [{ run: 'true' }] }
  b: { runs-on: ubuntu-latest, timeout-minutes: 0.05, steps: [{ run: 'true' }] }
`);

    expect(workflow.jobs.a?.timeoutMinutes).toBe(DEFAULT_JOB_TIMEOUT_MINUTES);
    expect(workflow.jobs.b?.timeoutMinutes).toBe(0.05);
  });

  it('takes an environment given as a plain name', () => {
    const workflow = parseWorkflow(
      'on: push\njobs:\n  a: { runs-on: x, environment: agent, steps: [{ run: "true" }] }\n',
    );

    expect(workflow.jobs.a?.environment).toEqual({ name: 'agent' });
  });

  it.each([
    ['not YAML at all', 'on: [push\n', '(file)'],
    ['no on', 'jobs: { a: { runs-on: x, steps: [{ run: "true" }] } }', 'on'],
    ['no jobs', 'on: push', 'jobs'],
    ['a job without runs-on', 'on: push\njobs: { a: { steps: [{ run: "true" }] } }', 'jobs.a.runs-on'],
    ['a job without steps', 'on: push\njobs: { a: { runs-on: x } }', 'jobs.a.steps'],
    [
      'a step with uses and run',
      'on: push\njobs: { a: { runs-on: x, steps: [{ run: "true", uses: "a/b@v1" }] } }',
      'jobs.a.steps[0]',
    ],
    ['a step with neither', 'on: push\njobs: { a: { runs-on: x, steps: [{ name: n }] } }', 'jobs.a.steps[0]'],
    [
      'a duplicate step id',
      'on: push\njobs: { a: { runs-on: x, steps: [{ id: s, run: "1" }, { id: s, run: "2" }] } }',
      'jobs.a.steps[1].id',
    ],
    [
      'a bad step id',
      'on: push\njobs: { a: { runs-on: x, steps: [{ id: "1x", run: "1" }] } }',
      'jobs.a.steps[0].id',
    ],
    [
      'a zero timeout',
      'on: push\njobs: { a: { runs-on: x, timeout-minutes: 0, steps: [{ run: "1" }] } }',
      'jobs.a.timeout-minutes',
    ],
    [
      'an unknown permission scope',
      'on: push\npermissions: { tokens: write }\njobs: { a: { runs-on: x, steps: [{ run: "1" }] } }',
      'permissions.tokens',
    ],
    [
      'a bad permission level',
      'on: push\njobs: { a: { runs-on: x, permissions: { contents: admin }, steps: [{ run: "1" }] } }',
      'jobs.a.permissions.contents',
    ],
    [
      'a bad permissions value',
      'on: push\npermissions: everything\njobs: { a: { runs-on: x, steps: [{ run: "1" }] } }',
      'permissions',
    ],
    [
      'an unknown input type',
      'on: { workflow_dispatch: { inputs: { x: { type: date } } } }\njobs: { a: { runs-on: x, steps: [{ run: "1" }] } }',
      'on.workflow_dispatch.inputs.x.type',
    ],
    [
      'a choice without options',
      'on: { workflow_dispatch: { inputs: { x: { type: choice } } } }\njobs: { a: { runs-on: x, steps: [{ run: "1" }] } }',
      'on.workflow_dispatch.inputs.x.options',
    ],
    [
      'an environment without a name',
      'on: push\njobs: { a: { runs-on: x, environment: { url: u }, steps: [{ run: "1" }] } }',
      'jobs.a.environment.name',
    ],
  ])('rejects %s, naming the field', (_, yaml, field) => {
    let error: unknown;
    try {
      parseWorkflow(yaml);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(WorkflowError);
    expect((error as WorkflowError).field).toBe(field);
    expect((error as WorkflowError).message.startsWith(`${field}: `)).toBe(true);
  });
});

describe('effectivePermissions', () => {
  it.each([
    [
      'a job mapping replaces the workflow mapping',
      { contents: 'write' },
      { 'id-token': 'write' },
      'none',
      'write',
    ],
    [
      'the workflow mapping applies to a job without one',
      { 'id-token': 'write' },
      undefined,
      'none',
      'write',
    ],
    ['an empty mapping grants nothing', {}, undefined, 'none', 'none'],
    ['write-all grants id-token', 'write-all', undefined, 'write', 'write'],
    ['read-all does not grant id-token write', 'read-all', undefined, 'read', 'read'],
    ['no permissions at all: the restricted default', undefined, undefined, 'read', 'none'],
  ] as const)('%s', (_, workflow, job, contents, idToken) => {
    const permissions = effectivePermissions(workflow, job);

    expect(permissions.contents).toBe(contents);
    expect(permissions['id-token']).toBe(idToken);
  });

  it('never grants id-token by default, even with permissive defaults', () => {
    const permissions = effectivePermissions(undefined, undefined, 'permissive');

    expect(permissions.contents).toBe('write');
    expect(permissions['id-token']).toBe('none');
  });
});
