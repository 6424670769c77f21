// A protocol peer for the action, on node:http: the runner's OIDC token endpoint and the App's
// runner API as docs/runner-api.md describes them. Not a mock of the action — it is the other
// side of the wire, with scriptable faults, and it records every request it was sent.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resultSchema } from '../../../src/contract/job-result.ts';
import type { TaskSpec } from '../../../src/contract/task-spec.ts';

export type Scripted = { status: number; body?: unknown; headers?: Record<string, string> } | 'drop';

export type RecordedRequest = {
  method: string;
  path: string;
  authorization: string | undefined;
  body: string;
};

export type PeerOptions = {
  taskId: number;
  spec: TaskSpec | Record<string, unknown>;
  /** Lifetime of the OIDC tokens it hands out, in seconds. */
  tokenLifetimeSeconds?: number;
  /** The task's states after a result with changes, one per GET (the last one repeats). */
  statesAfterResult?: string[];
  prUrl?: string;
};

export type RunnerApiPeer = {
  url: string;
  oidc: { requestUrl: string; requestToken: string };
  requests: RecordedRequest[];
  results: Record<string, unknown>[];
  audiences: string[];
  issuedTokens: string[];
  /** The next answers for requests whose "METHOD /path" ends with `route`, before normal handling. */
  script(route: string, ...answers: Scripted[]): void;
  close(): Promise<void>;
};

const REQUEST_TOKEN = `request-${randomUUID()}`;

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT', kid: 'peer' })}.${part(claims)}.${Buffer.from(randomUUID()).toString('base64url')}`;
}

function send(
  res: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { ...(text ? { 'content-type': 'application/json' } : {}), ...headers });
  res.end(text);
}

const fail = (res: ServerResponse, status: number, code: string, message: string) =>
  send(res, status, { error: { code, message } });

export async function startRunnerApiPeer(options: PeerOptions): Promise<RunnerApiPeer> {
  const requests: RecordedRequest[] = [];
  const results: Record<string, unknown>[] = [];
  const audiences: string[] = [];
  const issuedTokens: string[] = [];
  const tokenExpiry = new Map<string, number>();
  const scripts: { route: string; answers: Scripted[] }[] = [];
  const lifetime = options.tokenLifetimeSeconds ?? 300;
  const base = `/api/runner/v1/tasks/${options.taskId}`;
  let stateGets = 0;
  let url = '';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const target = new URL(req.url ?? '/', 'http://peer');
    const method = req.method ?? 'GET';
    requests.push({ method, path: target.pathname, authorization: req.headers.authorization, body });

    const route = `${method} ${target.pathname}`;
    const script = scripts.find((s) => route.endsWith(s.route) && s.answers.length > 0);
    const answer = script?.answers.shift();
    if (answer === 'drop') {
      req.socket.destroy();
      return;
    }
    if (answer) return send(res, answer.status, answer.body, answer.headers);

    if (target.pathname === '/_oidc/token') {
      if (req.headers.authorization !== `Bearer ${REQUEST_TOKEN}`)
        return send(res, 401, { message: 'bad request token' });
      const audience = target.searchParams.get('audience') ?? '';
      audiences.push(audience);
      const now = Math.floor(Date.now() / 1000);
      const token = jwt({ aud: audience, iat: now, exp: now + lifetime, jti: randomUUID(), run_id: '7' });
      issuedTokens.push(token);
      tokenExpiry.set(token, (now + lifetime) * 1000);
      return send(res, 200, { count: 1, value: token });
    }

    if (!target.pathname.startsWith('/api/runner/v1/tasks/'))
      return fail(res, 404, 'not_found', 'no such route');
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const expiry = token === undefined ? undefined : tokenExpiry.get(token);
    if (expiry === undefined || expiry <= Date.now())
      return fail(res, 401, 'bad_token', 'token missing, unknown or expired');
    if (
      !target.pathname.startsWith(base) ||
      !['', '/spec', '/events', '/result'].includes(target.pathname.slice(base.length))
    ) {
      return fail(res, 404, 'no_task', 'no such task');
    }
    const rest = target.pathname.slice(base.length);

    if (method === 'GET' && rest === '/spec') return send(res, 200, options.spec);
    if (method === 'POST' && rest === '/events') return send(res, 204);
    if (method === 'POST' && rest === '/result') {
      let result: Record<string, unknown>;
      try {
        result = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return fail(res, 400, 'bad_request', 'body is not JSON');
      }
      const checked = resultSchema.safeParse(result);
      if (!checked.success) {
        const issue = checked.error.issues[0];
        return fail(
          res,
          400,
          'bad_result',
          `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
        );
      }
      const limit = (options.spec.limits as { maxResultBytes: number }).maxResultBytes;
      if (Buffer.byteLength(body) > limit) return fail(res, 413, 'too_large', 'result too large');
      if (results.length > 0 && JSON.stringify(results[0]) !== JSON.stringify(result)) {
        return fail(res, 409, 'conflict', 'the task already has a different result');
      }
      if (results.length === 0) results.push(result);
      return send(res, 200, { state: stateAfter(result, 0) });
    }
    if (method === 'GET' && rest === '') {
      const result = results[0];
      const state = result === undefined ? 'running' : stateAfter(result, ++stateGets);
      return send(res, 200, {
        id: options.taskId,
        state,
        prUrl: state === 'succeeded' ? (options.prUrl ?? 'https://github.example/acme/widgets/pull/8') : null,
        error: state === 'failed' ? 'the job reported a failure' : null,
      });
    }
    return fail(res, 404, 'not_found', 'no such route');
  }

  function stateAfter(result: Record<string, unknown>, gets: number): string {
    if (result.outcome === 'failed') return 'failed';
    if (result.outcome === 'timed_out') return 'timed_out';
    if (result.outcome === 'limit_reached') return 'failed';
    if ((result.changes as unknown[]).length === 0) return 'no_changes';
    const states = options.statesAfterResult ?? ['succeeded'];
    if (gets === 0) return 'publishing';
    return states[Math.min(gets, states.length) - 1] ?? 'succeeded';
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => fail(res, 500, 'peer_error', String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}`;
  return {
    url,
    oidc: { requestUrl: `${url}/_oidc/token?api-version=2.0`, requestToken: REQUEST_TOKEN },
    requests,
    results,
    audiences,
    issuedTokens,
    script(route, ...answers) {
      scripts.push({ route, answers });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function specFor(
  taskId: number,
  sha: string,
  overrides: {
    command?: string;
    limits?: Partial<TaskSpec['limits']>;
    prompt?: string;
    isolation?: TaskSpec['engine']['isolation'];
  } = {},
): TaskSpec {
  return {
    task: {
      id: taskId,
      attempt: 1,
      repository: 'acme/widgets',
      repositoryId: 1296269,
      issueNumber: 7,
      pullRequest: false,
      requester: 'alice',
      htmlUrl: 'https://github.example/acme/widgets/issues/7',
    },
    checkout: { sha, branch: 'main' },
    engine: {
      name: 'command',
      command: overrides.command ?? 'true',
      model: null,
      version: null,
      isolation: overrides.isolation ?? 'preferred',
    },
    prompt: overrides.prompt ?? 'Add hello.txt',
    limits: {
      timeoutMinutes: 5,
      maxTurns: 50,
      maxCostUsd: 5,
      maxFiles: 50,
      maxFileBytes: 1048576,
      maxResultBytes: 20971520,
      ...overrides.limits,
    },
  };
}
