// Who sees and does what through the REST API: signed in with GitHub (the OAuth web flow on the
// simulator) or with a bearer user token; every answer checked against the App's OpenAPI document.

import { Validator } from '@seriousme/openapi-schema-validator';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../support/stack.ts';
import { type Browser, createBrowser, signIn } from './support/browser.ts';
import { createOpenApiCheck } from './support/openapi-check.ts';

let stack: Stack;
let appUrl: string;
let check: ReturnType<typeof createOpenApiCheck>;
const browsers: Record<string, { browser: Browser; csrf: string }> = {};
let waitingTask: number;
let hiddenTask: number;
let ottosTask: number;

type Answer = { status: number; body: Record<string, unknown> & { tasks?: { id: number }[] } };

/** A request as `who` (signed in) or with a bearer token; the answer must follow the document. */
async function call(
  who: string | { token: string } | null,
  method: string,
  path: string,
  options: { csrf?: boolean | string; origin?: string; body?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.origin) headers.origin = options.origin;
  let response: Response;
  const init = {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  };
  if (who === null) response = await fetch(`${appUrl}${path}`, init);
  else if (typeof who === 'object') {
    headers.authorization = `Bearer ${who.token}`;
    response = await fetch(`${appUrl}${path}`, init);
  } else {
    const session = browsers[who]!;
    if (options.csrf !== false)
      headers['x-csrf-token'] = typeof options.csrf === 'string' ? options.csrf : session.csrf;
    response = await session.browser.fetch(`${appUrl}${path}`, init);
  }
  const contentType = response.headers.get('content-type') ?? '';
  const body = (await response.json()) as Answer['body'];
  const url = new URL(`${appUrl}${path}`);
  if (url.pathname.startsWith('/api/v1/') && url.pathname !== '/api/v1/openapi.json') {
    expect(check(method, url.pathname.slice('/api/v1'.length), response.status, contentType, body)).toEqual(
      [],
    );
  }
  return { status: response.status, body };
}

beforeAll(async () => {
  stack = await startStack({
    users: { alice: 'write', rita: 'read', maria: 'maintain', otto: 'none', opal: 'none' },
    env: { OPERATORS: 'opal' },
  });
  appUrl = stack.app.url!;
  for (const login of ['rita', 'maria', 'otto', 'opal', 'alice']) {
    const browser = createBrowser();
    const { csrfToken } = await signIn(browser, appUrl, stack.sim.url, login);
    browsers[login] = { browser, csrf: csrfToken };
  }
  const document = await (await browsers.maria!.browser.fetch(`${appUrl}/api/v1/openapi.json`)).json();
  check = createOpenApiCheck(document as Parameters<typeof createOpenApiCheck>[0]);
  const issue = await stack.issue('Docs are thin');
  await stack.comment(issue, 'rita', '/agent write the docs');
  waitingTask = (await stack.waitForTask((t) => t.state === 'awaiting_approval', 'rita’s task')).id;
  const hidden = await stack.app.pool.query<{ id: string }>(
    `INSERT INTO tasks (installation_id, repo_id, repo_owner, repo_name, issue_number, is_pull_request,
       comment_kind, comment_id, requester_login, requester_id, command, prompt, engine, state)
     VALUES (1, 424242, 'acme', 'hidden', 1, false, 'issue_comment', 777777, 'zed', 99, 'run', 'p', 'command', 'failed')
     RETURNING id`,
  );
  hiddenTask = Number(hidden.rows[0]!.id);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document, served only to someone signed in', async () => {
    const anonymous = await fetch(`${appUrl}/api/v1/openapi.json`);
    expect(anonymous.status).toBe(401);
    const document = (await (await browsers.rita!.browser.fetch(`${appUrl}/api/v1/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(document.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(document as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/tasks',
        '/tasks/{id}',
        '/tasks/{id}/transcript',
        '/tasks/{id}/cancel',
        '/usage',
      ]),
    );
  });
});

describe('anonymous requests', () => {
  it.each(['/api/v1/tasks', '/api/v1/tasks/1', '/api/v1/repositories', '/api/v1/usage', '/api/v1/session'])(
    '%s answers 401 as a problem',
    async (path) => {
      const response = await fetch(`${appUrl}${path}`);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.json()).toMatchObject({
        type: 'urn:agent-dispatch:problem:unauthenticated',
        status: 401,
        code: 'unauthenticated',
      });
    },
  );

  it('still reaches the health checks', async () => {
    expect((await fetch(`${appUrl}/healthz`)).status).toBe(200);
  });

  it('is refused with a token GitHub does not accept', async () => {
    const answer = await call({ token: 'ghu_not-a-real-token' }, 'GET', '/api/v1/tasks');
    expect(answer.status).toBe(401);
  });
});

describe('signing in', () => {
  it('sets an HttpOnly, SameSite=Lax session cookie and rotates the session on each sign-in', async () => {
    const browser = createBrowser();
    const first = await signIn(browser, appUrl, stack.sim.url, 'rita');
    const callback = first.hops.find((hop) => hop.url.includes('/auth/callback'))!;
    const cookie = callback.setCookie.find((c) => c.startsWith('agent-dispatch-session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    const origin = new URL(appUrl).origin;
    const before = browser.cookie(origin, 'agent-dispatch-session')!;
    await signIn(browser, appUrl, stack.sim.url, 'rita');
    const after = browser.cookie(origin, 'agent-dispatch-session')!;
    expect(after).not.toBe(before);
    const stale = await fetch(`${appUrl}/api/v1/session`, {
      headers: { cookie: `agent-dispatch-session=${before}` },
    });
    expect(stale.status).toBe(401);
    const sessions = await stack.app.pool.query('SELECT id_hash FROM web_sessions');
    expect(sessions.rows.map((r) => r.id_hash)).not.toContain(before);
  });

  it('refuses a callback whose state was not started in this browser', async () => {
    const browser = createBrowser();
    const response = await browser.fetch(`${appUrl}/auth/callback?code=abc&state=forged`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'sign_in_failed' });
  });

  it('never sends people elsewhere after signing in', async () => {
    const browser = createBrowser();
    browser.setCookie(new URL(stack.sim.url).origin, 'sim_login', 'rita');
    const { hops } = await browser.navigate(`${appUrl}/auth/login?return_to=//evil.example/x`);
    const back = hops.find((hop) => hop.url.includes('/auth/callback'))!;
    expect(back.status).toBe(303);
    expect(hops.at(-1)!.url).toBe(`${appUrl}/`);
  });

  it('signs out: the session ends', async () => {
    const browser = createBrowser();
    const { csrfToken } = await signIn(browser, appUrl, stack.sim.url, 'otto');
    const refused = await browser.fetch(`${appUrl}/auth/logout`, { method: 'POST' });
    expect(refused.status).toBe(403);
    const out = await browser.fetch(`${appUrl}/auth/logout`, {
      method: 'POST',
      headers: { 'x-csrf-token': csrfToken },
    });
    expect(out.status).toBe(204);
    expect((await browser.fetch(`${appUrl}/api/v1/session`)).status).toBe(401);
  });
});

describe('what each person sees', () => {
  it('a reader sees the repository’s tasks', async () => {
    const list = await call('rita', 'GET', '/api/v1/tasks');
    expect(list.status).toBe(200);
    expect(list.body.tasks!.map((t) => t.id)).toContain(waitingTask);
    expect(list.body.tasks!.map((t) => t.id)).not.toContain(hiddenTask);
    const detail = await call('rita', 'GET', `/api/v1/tasks/${waitingTask}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      id: waitingTask,
      state: 'awaiting_approval',
      repository: 'acme/widgets',
    });
    const repos = await call('rita', 'GET', '/api/v1/repositories');
    expect(repos.body.repositories).toEqual([
      expect.objectContaining({ fullName: 'acme/widgets', role: 'read' }),
    ]);
  });

  it('someone without access sees nothing, and a task there is 404, not 403', async () => {
    const list = await call('otto', 'GET', '/api/v1/tasks');
    expect(list.body.tasks).toEqual([]);
    expect((await call('otto', 'GET', `/api/v1/tasks/${waitingTask}`)).status).toBe(404);
    expect((await call('otto', 'GET', `/api/v1/tasks/${waitingTask}/transcript`)).status).toBe(404);
    expect((await call('otto', 'GET', '/api/v1/tasks?repository=acme/widgets')).status).toBe(404);
    const act = await call('otto', 'POST', `/api/v1/tasks/${waitingTask}/cancel`);
    expect(act.status).toBe(404);
    expect((await call('rita', 'GET', `/api/v1/tasks/${hiddenTask}`)).status).toBe(404);
  });

  it('an operator sees every task, including repositories they have no access to', async () => {
    const list = await call('opal', 'GET', '/api/v1/tasks');
    expect(list.body.tasks!.map((t) => t.id)).toEqual(expect.arrayContaining([waitingTask, hiddenTask]));
    expect((await call('opal', 'GET', `/api/v1/tasks/${hiddenTask}`)).status).toBe(200);
    const session = await call('opal', 'GET', '/api/v1/session');
    expect(session.body).toMatchObject({ login: 'opal', operator: true, via: 'session' });
  });

  it('filters by state, requester and repository, and pages with a cursor', async () => {
    expect((await call('rita', 'GET', '/api/v1/tasks?state=succeeded')).body.tasks).toEqual([]);
    const mine = await call('rita', 'GET', '/api/v1/tasks?requester=RITA&repository=acme/widgets');
    expect(mine.body.tasks!.map((t) => t.id)).toEqual([waitingTask]);
    const bad = await call('rita', 'GET', '/api/v1/tasks?state=sleeping');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'bad_request' });
    const page = await call('opal', 'GET', '/api/v1/tasks?limit=1');
    expect(page.body.tasks).toHaveLength(1);
    const next = await call('opal', 'GET', `/api/v1/tasks?limit=1&cursor=${page.body.nextCursor}`);
    expect(next.body.tasks![0]!.id).toBeLessThan(page.body.tasks![0]!.id);
  });
});

describe('the task page', () => {
  it('is linked from the sticky comment, sends strangers to sign in, and shows only visible tasks', async () => {
    const link = `${stack.config.publicUrl}/tasks/${waitingTask}`;
    const issueNumber = (await stack.tasks()).find((t) => t.id === waitingTask)!.issueNumber!;
    await stack.waitFor(async () => {
      const comments = await stack.as('alice').issues.listComments({
        owner: 'acme',
        repo: 'widgets',
        issue_number: issueNumber,
      });
      return (
        comments.data.some((c) => c.body?.includes(`[live transcript and history](${link})`)) || undefined
      );
    }, 'the sticky comment to link the task page');
    const anonymous = await fetch(`${appUrl}/tasks/${waitingTask}`, { redirect: 'manual' });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toBe(
      `/auth/login?return_to=${encodeURIComponent(`/tasks/${waitingTask}`)}`,
    );
    const seen = await browsers.rita!.browser.fetch(`${appUrl}/tasks/${waitingTask}`);
    expect(seen.status).toBe(200);
    expect(seen.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await seen.text()).toContain(`<title>Task ${waitingTask} · Agent Dispatch</title>`);
    expect((await browsers.otto!.browser.fetch(`${appUrl}/tasks/${waitingTask}`)).status).toBe(404);
  });
});

describe('acting on tasks', () => {
  it('read access may not approve or cancel someone else’s task', async () => {
    const issue = await stack.issue('More docs');
    await stack.comment(issue, 'otto', '/agent write more docs');
    const ottos = (await stack.waitForTask((t) => t.requesterLogin === 'otto', 'otto’s task')).id;
    ottosTask = ottos;
    const approve = await call('rita', 'POST', `/api/v1/tasks/${ottos}/approve`);
    expect(approve.status).toBe(403);
    expect(approve.body).toMatchObject({ code: 'not_allowed' });
    expect((await call('rita', 'POST', `/api/v1/tasks/${ottos}/cancel`)).status).toBe(403);
  });

  it('streams the task’s events live, resuming after Last-Event-ID', async () => {
    const token = stack.sim.appUserToken('maria', 'agent-dispatch');
    const open = (lastEventId?: string) =>
      fetch(`${appUrl}/api/v1/tasks/${ottosTask}/events`, {
        headers: {
          accept: 'text/event-stream',
          authorization: `Bearer ${token}`,
          ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
        },
      });
    const response = await open();
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response
      .body!.pipeThrough(new TextDecoderStream())
      .pipeThrough(new EventSourceParserStream())
      .getReader();
    const first = (await reader.read()).value!;
    expect(first).toMatchObject({ event: 'task_event', id: '1' });
    expect(JSON.parse(first.data)).toMatchObject({ seq: 1, type: 'created', actor: 'otto' });
    const rejected = await call({ token }, 'POST', `/api/v1/tasks/${ottosTask}/reject`, {
      body: { reason: 'not now' },
    });
    expect(rejected.status).toBe(200);
    let live: { type: string; seq: number } | undefined;
    while (live?.type !== 'reject') live = JSON.parse((await reader.read()).value!.data);
    expect(live).toMatchObject({
      type: 'reject',
      toState: 'rejected',
      actor: 'maria',
      payload: { via: 'api', reason: 'not now' },
    });
    await reader.cancel();
    const resumed = (await open(String(live.seq - 1)))
      .body!.pipeThrough(new TextDecoderStream())
      .pipeThrough(new EventSourceParserStream())
      .getReader();
    expect(JSON.parse((await resumed.read()).value!.data)).toMatchObject({ seq: live.seq, type: 'reject' });
    await resumed.cancel();
  });

  it('refuses a change without the CSRF token, or from another origin', async () => {
    const missing = await call('maria', 'POST', `/api/v1/tasks/${waitingTask}/approve`, { csrf: false });
    expect(missing.status).toBe(403);
    expect(missing.body).toMatchObject({ type: 'urn:agent-dispatch:problem:csrf_refused' });
    const wrong = await call('maria', 'POST', `/api/v1/tasks/${waitingTask}/approve`, { csrf: 'guess' });
    expect(wrong.status).toBe(403);
    const elsewhere = await call('maria', 'POST', `/api/v1/tasks/${waitingTask}/approve`, {
      origin: 'https://evil.example',
    });
    expect(elsewhere.status).toBe(403);
    expect((await stack.tasks()).find((t) => t.id === waitingTask)!.state).toBe('awaiting_approval');
  });

  it('write access approves, through the same rules as /agent approve, recorded with the actor', async () => {
    const approved = await call('maria', 'POST', `/api/v1/tasks/${waitingTask}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ task: { id: waitingTask } });
    const events = await stack.app.pool.query(
      `SELECT actor, payload FROM task_events WHERE task_id = $1 AND type = 'approve'`,
      [waitingTask],
    );
    expect(events.rows).toEqual([
      { actor: 'maria', payload: { via: 'api', revision: 1, approverId: expect.any(Number) } },
    ]);
    const again = await call('maria', 'POST', `/api/v1/tasks/${waitingTask}/approve`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'cannot_manage' });
  });

  it('a bearer user token works for scripts, without CSRF', async () => {
    const token = stack.sim.appUserToken('maria', 'agent-dispatch');
    const cancelled = await call({ token }, 'POST', `/api/v1/tasks/${waitingTask}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ task: { state: 'cancelled' } });
    const session = await call({ token }, 'GET', '/api/v1/session');
    expect(session.body).toMatchObject({ login: 'maria', via: 'token', csrfToken: null });
  });

  it('write access retries a cancelled task as a new attempt', async () => {
    const retried = await call('maria', 'POST', `/api/v1/tasks/${waitingTask}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ task: { attempt: 2 } });
  });
});
