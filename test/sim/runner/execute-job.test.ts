import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ActionsOidcClaims, createOidcIssuer } from '../oidc/issuer.ts';
import { executeJob } from './execute-job.ts';
import { createBareRepo, jobOptions, type SeedRepo } from './fixtures.ts';
import { isAlive } from './process-tree.ts';

let repo: SeedRepo;

beforeEach(() => {
  repo = createBareRepo({ 'README.md': '# widgets\n', 'src/index.js': 'console.log(1);\n' });
});

afterEach(() => {
  rmSync(repo.dir, { recursive: true, force: true });
});

function readPids(file: string): number[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(Number);
}

describe('executeJob: steps, files and outputs', () => {
  it('checks the repository out so a run step sees its files, and collects outputs and the summary', async () => {
    const yaml = `
on: workflow_dispatch
jobs:
  agent:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - id: look
        run: |
          echo "readme=$(head -1 README.md)" >> "$GITHUB_OUTPUT"
          echo "sha=$(git rev-parse HEAD)" >> "$GITHUB_OUTPUT"
          echo "### Looked at the repo" >> "$GITHUB_STEP_SUMMARY"
`;
    const result = await executeJob(jobOptions(yaml, repo));

    expect(result.conclusion).toBe('success');
    expect(result.outputs.look).toEqual({ readme: '# widgets', sha: repo.sha });
    expect(result.summary).toBe('### Looked at the repo\n');
    expect(readFileSync(path.join(result.workspace, 'src/index.js'), 'utf8')).toBe('console.log(1);\n');
    expect(result.steps.map((s) => [s.name, s.outcome])).toEqual([
      ['Run actions/checkout@v4', 'success'],
      ['Run echo "readme=$(head -1 README.md)" >> "$GITHUB_OUTPUT"', 'success'],
    ]);
    expect(result.steps[0]?.details).toMatchObject({
      sha: repo.sha,
      ref: 'refs/heads/main',
      fetchDepth: 1,
      credentialsWritten: false,
    });
  });

  it('carries GITHUB_ENV (including multiline values) and GITHUB_PATH to later steps', async () => {
    const yaml = `
on: workflow_dispatch
jobs:
  agent:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "GREETING=hello" >> "$GITHUB_ENV"
          { echo "LETTER<<EOF"; echo "line one"; echo "line two"; echo "EOF"; } >> "$GITHUB_ENV"
          mkdir -p "$RUNNER_TEMP/bin" && printf '#!/bin/sh\\necho from-path\\n' > "$RUNNER_TEMP/bin/sim-tool" && chmod +x "$RUNNER_TEMP/bin/sim-tool"
          echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
      - id: read
        run: |
          echo "greeting=$GREETING" >> "$GITHUB_OUTPUT"
          echo "expr=\${{ env.GREETING }}" >> "$GITHUB_OUTPUT"
          echo "lines=$(echo "$LETTER" | wc -l)" >> "$GITHUB_OUTPUT"
          echo "tool=$(sim-tool)" >> "$GITHUB_OUTPUT"
`;
    const result = await executeJob(jobOptions(yaml, repo));

    expect(result.conclusion).toBe('success');
    expect(result.outputs.read).toEqual({ greeting: 'hello', expr: 'hello', lines: '2', tool: 'from-path' });
  });

  it('merges env from workflow, job and step, the step winning', async () => {
    const yaml = `
on: workflow_dispatch
env: { LEVEL: workflow, W: w }
jobs:
  agent:
    runs-on: ubuntu-latest
    env: { LEVEL: job, J: j }
    steps:
      - id: env
        env: { LEVEL: step }
        run: echo "seen=$LEVEL $W $J" >> "$GITHUB_OUTPUT"
`;
    const result = await executeJob(jobOptions(yaml, repo));

    expect(result.outputs.env).toEqual({ seen: 'step w j' });
  });

  it('substitutes expressions into the script before it runs, which is why user text never goes there', async () => {
    const yaml = `
on:
  workflow_dispatch:
    inputs:
      title: { required: true }
jobs:
  agent:
    runs-on: ubuntu-latest
    steps:
      - run: echo "title is \${{ inputs.title }}"
      - env:
          TITLE: \${{ inputs.title }}
        run: echo "title is $TITLE"
`;
    const options = jobOptions(yaml, repo);
    options.context.inputs = { title: '$(echo INJECTED)' };
    const result = await executeJob(options);

    expect(result.log).toContain('title is INJECTED');
    expect(result.log).toContain('title is $(echo INJECTED)');
  });

  it('fails the job on a failing step and skips later steps unless their condition says otherwise', async () => {
    const yaml = `
on: workflow_dispatch
jobs:
  agent:
    runs-on: ubuntu-latest
    steps:
      - run: echo before
      - id: tolerated
        continue-on-error: true
        run: exit 3
      - id: boom
        run: exit 7
      - run: echo never
      - if: failure()
        run: echo "boom was \${{ steps.boom.outcome }}"
      - if: always()
        run: echo cleanup
`;
    const result = await executeJob(jobOptions(yaml, repo));

    expect(result.conclusion).toBe('failure');
    expect(result.steps.map((s) => [s.outcome, s.conclusion, s.exitCode])).toEqual([
      ['success', 'success', 0],
      ['failure', 'success', 3],
      ['failure', 'failure', 7],
      ['skipped', 'skipped', undefined],
      ['success', 'success', 0],
      ['success', 'success', 0],
    ]);
    expect(result.steps[3]?.skippedReason).toContain('success()');
    expect(result.log).toContain('##[error]Process completed with exit code 7.');
    expect(result.log).toContain('boom was failure');
    expect(result.log).not.toContain('never');
  });

  it('records third-party actions as skipped without failing the job', async () => {
    const yaml = `
on: workflow_dispatch
jobs:
  agent:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-node@v4
        with: { node-version: 24 }
      - uses: google-github-actions/auth@v2
      - run: echo ok
`;
    const result = await executeJob(jobOptions(yaml, repo));

    expect(result.conclusion).toBe('success');
    expect(result.steps.slice(0, 2)).toMatchObject([
      {
        uses: 'actions/setup-node@v4',
        outcome: 'skipped',
        skippedReason: 'actions/setup-node@v4 is not available in the simulated runner',
      },
      { uses: 'google-github-actions/auth@v2', outcome: 'skipped' },
    ]);
  });
});

describe('executeJob: checkout credentials', () => {
  const yaml = (persist: string) => `
on: workflow_dispatch
jobs:
  agent:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with: { persist-credentials: ${persist} }
      - run: cp .git/config "$RUNNER_TEMP/../git-config-during-job"
`;

  it('writes no credential into .git/config with persist-credentials: false', async () => {
    const options = jobOptions(yaml('false'), repo);
    options.context.secrets = { GITHUB_TOKEN: 'ghs_simulatedtoken' };
    const result = await executeJob(options);

    const during = readFileSync(path.join(result.workRoot, 'work', 'git-config-during-job'), 'utf8');
    expect(during).not.toContain('extraheader');
    expect(result.steps[0]?.details).toMatchObject({ persistCredentials: false, credentialsWritten: false });
  });

  it('persists the token as actions/checkout does by default, and removes it in the post step', async () => {
    const options = jobOptions(yaml('true'), repo);
    options.context.secrets = { GITHUB_TOKEN: 'ghs_simulatedtoken' };
    const result = await executeJob(options);

    const during = readFileSync(path.join(result.workRoot, 'work', 'git-config-during-job'), 'utf8');
    expect(during).toContain('extraheader = AUTHORIZATION: basic');
    expect(readFileSync(path.join(result.workspace, '.git/config'), 'utf8')).not.toContain('extraheader');
    expect(result.steps.map((s) => s.name)).toContain('Post Run actions/checkout@v4');
  });
});

describe('executeJob: timeout and cancellation', () => {
  it('kills a step that sleeps past the job timeout, with its children, and reports it as GitHub does', async () => {
    const yaml = `
on: workflow_dispatch
jobs:
  agent:
    runs-on: ubuntu-latest
    timeout-minutes: 0.05
    steps:
      - run: |
          sleep 300 &
          echo $! >> "$RUNNER_TEMP/pids"
          bash -c 'trap "" INT TERM; sleep 300' &
          echo $! >> "$RUNNER_TEMP/pids"
          setsid sleep 300 &
          echo $! >> "$RUNNER_TEMP/pids"
          echo $$ >> "$RUNNER_TEMP/pids"
          sleep 300
      - run: echo never
`;
    const result = await executeJob(jobOptions(yaml, repo));

    expect(result).toMatchObject({ conclusion: 'cancelled', timedOut: true });
    expect(result.steps.map((s) => s.outcome)).toEqual(['cancelled', 'skipped']);
    expect(result.log).toContain('##[error]The job has exceeded the maximum execution time of 3s');
    const pids = readPids(path.join(result.workRoot, 'work', '_temp', 'pids'));
    expect(pids).toHaveLength(4);
    for (const pid of pids) expect(isAlive(pid), `process ${pid} is still running`).toBe(false);
  });

  it('cancels through the signal, then still runs always() and cancelled() steps', async () => {
    const controller = new AbortController();
    const yaml = `
on: workflow_dispatch
jobs:
  agent:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo $$ > "$RUNNER_TEMP/pid"
          echo started
          sleep 300
      - run: echo skipped-after-cancel
      - if: cancelled()
        run: echo "status is \${{ job.status }}"
      - if: always()
        run: echo cleanup ran
`;
    const options = jobOptions(yaml, repo, {
      signal: controller.signal,
      onLog: (line) => {
        if (line === 'started') controller.abort();
      },
    });
    const result = await executeJob(options);

    expect(result).toMatchObject({ conclusion: 'cancelled', timedOut: false });
    expect(result.steps.map((s) => s.outcome)).toEqual(['cancelled', 'skipped', 'success', 'success']);
    expect(result.log).toContain('status is cancelled');
    expect(result.log).toContain('cleanup ran');
    expect(result.log).not.toContain('skipped-after-cancel');
    expect(isAlive(readPids(path.join(result.workRoot, 'work', '_temp', 'pid'))[0]!)).toBe(false);
  });

  it('cleans up at job end a background process that a finished step left running', async () => {
    const yaml = `
on: workflow_dispatch
jobs:
  agent:
    runs-on: ubuntu-latest
    steps:
      - run: |
          nohup sleep 300 > /dev/null 2>&1 &
          echo $! > "$RUNNER_TEMP/pid"
      - run: kill -0 "$(cat "$RUNNER_TEMP/pid")" && echo still running during the job
`;
    const result = await executeJob(jobOptions(yaml, repo));
    const [pid] = readPids(path.join(result.workRoot, 'work', '_temp', 'pid'));

    expect(result.conclusion).toBe('success');
    expect(result.log).toContain('still running during the job');
    expect(result.log).toContain(`Terminate orphan process: pid (${pid})`);
    expect(isAlive(pid!)).toBe(false);
  });

  it('fails a step that exceeds its own timeout-minutes without cancelling the job', async () => {
    const yaml = `
on: workflow_dispatch
jobs:
  agent:
    runs-on: ubuntu-latest
    steps:
      - timeout-minutes: 0.01
        continue-on-error: true
        run: sleep 300
      - run: echo after
`;
    const result = await executeJob(jobOptions(yaml, repo));

    expect(result.conclusion).toBe('success');
    expect(result.steps.map((s) => [s.outcome, s.conclusion])).toEqual([
      ['failure', 'success'],
      ['success', 'success'],
    ]);
    expect(result.log).toContain('has timed out after 0.01 minutes');
  });
});

describe('executeJob: OIDC and permissions', () => {
  const yaml = `
on: workflow_dispatch
permissions: {}
jobs:
  granted:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      id-token: write
    steps:
      - id: oidc
        run: echo "url=\${ACTIONS_ID_TOKEN_REQUEST_URL:-absent}" >> "$GITHUB_OUTPUT"
  inherited:
    runs-on: ubuntu-latest
    steps:
      - id: oidc
        run: echo "url=\${ACTIONS_ID_TOKEN_REQUEST_URL:-absent}" >> "$GITHUB_OUTPUT"
`;
  const oidc = { requestUrl: 'http://127.0.0.1:1/_oidc/token?run=1', requestToken: 'oidc-request-token' };

  it('gives the id-token request variables only to a job granted id-token: write', async () => {
    const granted = await executeJob(jobOptions(yaml, repo, { jobId: 'granted', oidc }));
    const inherited = await executeJob(
      jobOptions(yaml, repo, { jobId: 'inherited', oidc, workRoot: path.join(repo.dir, 'r2') }),
    );

    expect(granted.outputs.oidc).toEqual({ url: oidc.requestUrl });
    expect(inherited.outputs.oidc).toEqual({ url: 'absent' });
  });

  it('gives no id-token variables when the caller has no OIDC issuer', async () => {
    const result = await executeJob(jobOptions(yaml, repo, { jobId: 'granted' }));

    expect(result.outputs.oidc).toEqual({ url: 'absent' });
  });
});

describe('executeJob: an action fetching an OIDC token with @actions/core', () => {
  it('gets a token from the request URL that verifies against the issuer JWKS', async () => {
    const requestToken = 'runtime-request-token';
    const seen: string[] = [];
    let handle: (req: IncomingMessage, res: ServerResponse) => Promise<void> = async () => {};
    const server = createServer((req, res) => void handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const issuer = await createOidcIssuer({ issuer: `${base}/_oidc` });
    const claims = {
      sub: 'repo:octo-org/widgets:environment:agent',
      repository_id: '99',
    } as ActionsOidcClaims;
    handle = async (req, res) => {
      if (await issuer.handle(req, res)) return;
      const url = new URL(req.url ?? '/', base);
      seen.push(`${url.pathname} ${req.headers.authorization}`);
      if (url.pathname !== '/_oidc/token' || req.headers.authorization !== `Bearer ${requestToken}`) {
        res.writeHead(401).end();
        return;
      }
      const value = await issuer.mint(
        claims,
        url.searchParams.get('audience') ?? 'https://github.com/octo-org',
      );
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ value }));
    };
    const core = import.meta.resolve('@actions/core');
    const dir = path.join(repo.dir, 'oidc-action');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'action.yml'), 'name: oidc\nruns:\n  using: node24\n  main: main.mjs\n');
    writeFileSync(
      path.join(dir, 'main.mjs'),
      `import * as core from ${JSON.stringify(core)};\ncore.setOutput('token', await core.getIDToken('https://app.example'));\n`,
    );
    const yaml = `
on: workflow_dispatch
jobs:
  agent:
    runs-on: ubuntu-latest
    permissions: { id-token: write }
    steps:
      - id: oidc
        uses: octo-org/oidc@v1
`;
    try {
      const options = jobOptions(yaml, repo, {
        actions: { 'octo-org/oidc@v1': dir },
        oidc: { requestUrl: `${base}/_oidc/token?api-version=2.0`, requestToken },
      });
      const result = await executeJob(options);

      expect(result.conclusion, result.log).toBe('success');
      const token = result.outputs.oidc?.token ?? '';
      const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(issuer.jwksUri)), {
        issuer: issuer.issuer,
        audience: 'https://app.example',
      });
      expect(payload).toMatchObject(claims);
      expect(seen).toEqual([`/_oidc/token Bearer ${requestToken}`]);
      expect(result.log).not.toContain(requestToken);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('executeJob: JavaScript actions', () => {
  function writeAction(dir: string, main: string, post?: string) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'action.yml'),
      `name: Sim action
inputs:
  who: { required: true }
  with spaces: { default: spaced }
  greeting: { default: "hello \${{ github.repository }}" }
runs:
  using: node24
  main: main.mjs
${post ? '  post: post.mjs\n' : ''}`,
    );
    writeFileSync(path.join(dir, 'main.mjs'), main);
    if (post) writeFileSync(path.join(dir, 'post.mjs'), post);
  }

  it('runs a node24 action with INPUT_* variables and collects the outputs it writes', async () => {
    const dir = path.join(repo.dir, 'action');
    writeAction(
      dir,
      `import { appendFileSync } from 'node:fs';
const out = (k, v) => appendFileSync(process.env.GITHUB_OUTPUT, k + '=' + v + '\\n');
out('who', process.env.INPUT_WHO);
out('spaced', process.env.INPUT_WITH_SPACES);
out('greeting', process.env.INPUT_GREETING);
out('node', process.version);
out('action_path', process.env.GITHUB_ACTION_PATH);
appendFileSync(process.env.GITHUB_STATE, 'started=yes\\n');
`,
      `import { appendFileSync } from 'node:fs';
appendFileSync(process.env.GITHUB_STEP_SUMMARY, 'post saw ' + process.env.STATE_started + '\\n');
`,
    );
    const yaml = `
on: workflow_dispatch
jobs:
  agent:
    runs-on: ubuntu-latest
    steps:
      - id: act
        uses: octo-org/agent-dispatch@v1
        with:
          who: \${{ inputs.who }}
`;
    const options = jobOptions(yaml, repo, { actions: { 'octo-org/agent-dispatch': dir } });
    options.context.inputs = { who: 'octocat' };
    const result = await executeJob(options);

    expect(result.conclusion).toBe('success');
    expect(result.outputs.act).toEqual({
      who: 'octocat',
      spaced: 'spaced',
      greeting: 'hello octo-org/widgets',
      node: process.version,
      action_path: dir,
    });
    expect(result.steps.map((s) => s.name)).toEqual([
      'Run octo-org/agent-dispatch@v1',
      'Post Run octo-org/agent-dispatch@v1',
    ]);
    expect(result.summary).toBe('post saw yes\n');
  });

  it('runs pre, main and post, passing saved state along', async () => {
    const dir = path.join(repo.dir, 'stateful');
    mkdirSync(dir);
    writeFileSync(
      path.join(dir, 'action.yml'),
      'name: s\nruns:\n  using: node20\n  pre: pre.mjs\n  main: main.mjs\n  post: post.mjs\n',
    );
    const script = (phase: string) =>
      `import { appendFileSync } from 'node:fs';\n` +
      `appendFileSync(process.env.GITHUB_STEP_SUMMARY, '${phase} saw [' + (process.env.STATE_trail ?? '') + ']\\n');\n` +
      `appendFileSync(process.env.GITHUB_STATE, 'trail=' + (process.env.STATE_trail ?? '') + '${phase}\\n');\n`;
    for (const phase of ['pre', 'main', 'post']) writeFileSync(path.join(dir, `${phase}.mjs`), script(phase));
    const yaml = `
on: workflow_dispatch
jobs:
  agent:
    runs-on: ubuntu-latest
    steps:
      - run: echo first
      - uses: octo-org/stateful@v2
`;
    const result = await executeJob(jobOptions(yaml, repo, { actions: { 'octo-org/stateful@v2': dir } }));

    expect(result.steps.map((s) => s.name)).toEqual([
      'Pre Run octo-org/stateful@v2',
      'Run echo first',
      'Run octo-org/stateful@v2',
      'Post Run octo-org/stateful@v2',
    ]);
    expect(result.summary).toBe('pre saw []\nmain saw [pre]\npost saw [premain]\n');
  });

  it('works with the real @actions/core toolkit', async () => {
    const core = import.meta.resolve('@actions/core');
    const dir = path.join(repo.dir, 'core-action');
    writeAction(
      dir,
      `import * as core from ${JSON.stringify(core)};
const who = core.getInput('who', { required: true });
core.setSecret('hunter2-' + who);
core.info('the secret is hunter2-' + who);
core.setOutput('message', 'hi ' + who);
core.exportVariable('FROM_CORE', 'exported');
await core.summary.addHeading('Core summary').write();
`,
    );
    const yaml = `
on: workflow_dispatch
jobs:
  agent:
    runs-on: ubuntu-latest
    steps:
      - id: act
        uses: ./local-action
        with: { who: octocat }
      - id: after
        run: echo "env=$FROM_CORE" >> "$GITHUB_OUTPUT"
`;
    const options = jobOptions(yaml, repo, { actions: { './local-action': dir } });
    const result = await executeJob(options);

    expect(result.conclusion).toBe('success');
    expect(result.outputs).toEqual({ act: { message: 'hi octocat' }, after: { env: 'exported' } });
    expect(result.log).toContain('the secret is ***');
    expect(result.log).not.toContain('hunter2');
    expect(result.summary).toContain('<h1>Core summary</h1>');
  });
});

describe('executeJob: workflow commands and masking', () => {
  it('masks secrets and ::add-mask:: values from then on, and honours ::stop-commands::', async () => {
    const yaml = `
on: workflow_dispatch
jobs:
  agent:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "before mask: generated-value"
          echo "::add-mask::generated-value"
          echo "after mask: generated-value"
          echo "secret: \${{ secrets.API_KEY }}"
          echo "::warning file=a.js,line=3::look here"
          echo "::stop-commands::pause-token-1"
          echo "::error::not an annotation"
          echo "::add-mask::still-visible"
          echo "::pause-token-1::"
          echo "::error::a real error"
          echo "still-visible"
`;
    const options = jobOptions(yaml, repo);
    options.context.secrets = { API_KEY: 'sk-very-secret' };
    const result = await executeJob(options);

    expect(result.log).toContain('before mask: generated-value');
    expect(result.log).toContain('after mask: ***');
    expect(result.log).toContain('secret: ***');
    expect(result.log).not.toContain('sk-very-secret\n');
    expect(result.log.split('\n')).toContain('::error::not an annotation');
    expect(result.log.split('\n')).toContain('still-visible');
    expect(result.annotations.map((a) => [a.level, a.message, a.properties])).toEqual([
      ['warning', 'look here', { file: 'a.js', line: '3' }],
      ['error', 'a real error', {}],
    ]);
  });
});
