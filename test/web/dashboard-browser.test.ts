// The dashboard in a real browser (Debian's Chromium through playwright-core), against the whole
// system on the GitHub simulator: signing in through the simulator's OAuth pages, a task's row
// appearing and changing state without a reload, the transcript streaming, approve/cancel/retry
// from the page (and refused without the permission), and axe-core on every page in both themes,
// each page's screenshot saved under test-artifacts/dashboard/.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTerminal } from '../../src/core/task/task-states.ts';
import { type Stack, startStack } from '../support/stack.ts';
import {
  ARTIFACTS,
  launchChromium,
  screenshot,
  seriousViolations,
  watchProblems,
} from './support/chromium.ts';

// The agent: three lines a few seconds apart (longer when the prompt says "slowly"), then a file.
const AGENT = `#!/usr/bin/env bash
pause=2
case "$AGENT_PROMPT" in *slowly*) pause=20 ;; esac
echo "step 1: reading the code"
sleep "$pause"
echo "step 2: writing the change"
sleep "$pause"
echo "step 3: done"
echo hi > hello.txt
`;

// How long a page may take to show what the server sent (a real browser on a shared machine).
const UI = { timeout: 15_000 };

let stack: Stack;
let chromium: Browser;
let appUrl: string;
const contexts: Record<string, { context: BrowserContext; problems: string[] }> = {};

async function signedIn(login: string): Promise<BrowserContext> {
  const context = await chromium.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(`${appUrl}/`);
  await page.getByRole('link', { name: 'Sign in with GitHub' }).click();
  // The simulator's GitHub sign-in page, then its OAuth authorize, then back to the App.
  await page.getByLabel('Username').fill(login);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${appUrl}/`);
  await expect.poll(() => page.locator('header .who').textContent(), UI).toContain(`@${login}`);
  contexts[login] = { context, problems };
  await page.close();
  return context;
}

async function open(login: string, path: string): Promise<Page> {
  const { context, problems } = contexts[login]!;
  const page = await context.newPage();
  watchProblems(page, problems);
  const response = await page.goto(`${appUrl}${path}`);
  expect(response?.status(), `${path} as ${login}`).toBe(200);
  return page;
}

/** Marks the document, so a later check can tell it was never reloaded. */
// (Code run in the page is a string: the project's TypeScript has no DOM types.)
async function mark(page: Page): Promise<void> {
  await page.evaluate('window.notReloaded = true');
}
const stillTheSameDocument = (page: Page) => page.evaluate('window.notReloaded === true');

async function taskState(id: number): Promise<string> {
  return (await stack.tasks()).find((t) => t.id === id)!.state;
}

beforeAll(async () => {
  // Both start side by side; whichever started is kept for afterAll even when the other failed.
  const [started, launched] = await Promise.allSettled([
    startStack({
      files: { 'agent.sh': AGENT },
      users: { alice: 'write', maria: 'maintain', rita: 'read', rex: 'read', opal: 'none' },
      env: { OPERATORS: 'opal' },
    }),
    launchChromium(),
  ]);
  if (started.status === 'fulfilled') stack = started.value;
  if (launched.status === 'fulfilled') chromium = launched.value;
  for (const outcome of [started, launched]) if (outcome.status === 'rejected') throw outcome.reason;
  appUrl = stack.app.url!;
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  await stack?.stop();
});

describe('the dashboard in Chromium', () => {
  it('signs in through the simulator’s OAuth flow', async () => {
    const anonymous = await chromium.newPage();
    await anonymous.goto(`${appUrl}/tasks`);
    // Not signed in: to the App's sign-in, which sends the browser to GitHub's sign-in page.
    await expect.poll(() => anonymous.url(), UI).toContain('/login/oauth/');
    await anonymous.close();
    for (const login of ['maria', 'rita', 'rex', 'opal']) await signedIn(login);
  });

  let liveTask = 0;
  it('shows a new task’s row and its changes of state without a reload, and streams its transcript', async () => {
    const tasks = await open('maria', '/tasks');
    await expect.poll(() => tasks.locator('[data-live-status]').textContent(), UI).toContain('Live');
    await mark(tasks);
    // Every state each row shows, as the page changes it.
    await tasks.evaluate(`(() => {
      const seen = (window.seen = []);
      const note = () => {
        for (const row of document.querySelectorAll('tr[data-task]')) {
          const key = row.dataset.task + ':' + row.dataset.state;
          if (!seen.includes(key)) seen.push(key);
        }
      };
      new MutationObserver(note).observe(document.querySelector('[data-rows]'), {
        childList: true, subtree: true, attributes: true,
      });
    })()`);

    // Filtered tables: a new task comes in where the filter keeps it, and only there. (In a second
    // window: over HTTP/1.1 Chromium keeps six connections to a host, and these pages hold six
    // live streams together.)
    const second = await chromium.newContext({ storageState: await contexts.maria!.context.storageState() });
    const kept = await second.newPage();
    const left = await second.newPage();
    await kept.goto(`${appUrl}/tasks?q=say+hello`);
    await left.goto(`${appUrl}/tasks?q=something+else`);
    for (const page of [kept, left])
      await expect.poll(() => page.locator('[data-live-status]').textContent(), UI).toContain('Live');
    const activity = await open('maria', '/');
    await expect.poll(() => activity.locator('[data-live-status]').textContent(), UI).toContain('Live');
    await mark(activity);

    const issue = await stack.issue('Say hello');
    await stack.comment(issue, 'alice', '/agent say hello');
    liveTask = (await stack.waitForTask((t) => t.issueNumber === issue, 'the task')).id;
    await tasks.locator(`#task-${liveTask}`).waitFor();

    const task = await open('maria', `/tasks/${liveTask}`);
    const transcript = task.locator('[data-transcript-items]');
    const atFirst = await transcript.textContent();
    await mark(task);
    await expect.poll(() => transcript.textContent(), { timeout: 60_000 }).toContain('step 3: done');
    expect(atFirst).not.toContain('step 3');
    expect(await stillTheSameDocument(task)).toBe(true);

    await expect
      .poll(() => tasks.locator(`#task-${liveTask}`).getAttribute('data-state'), { timeout: 60_000 })
      .toBe('succeeded');
    const states = (await tasks.evaluate<string[]>('window.seen'))
      .filter((key) => key.startsWith(`${liveTask}:`))
      .map((key) => key.split(':')[1]);
    // It came in live and moved through states on the page: at least one before running ended.
    expect(states.at(-1)).toBe('succeeded');
    expect(states.length).toBeGreaterThanOrEqual(3);
    expect(await stillTheSameDocument(tasks)).toBe(true);
    // The task's page followed too: its state and the change, without a reload.
    await expect.poll(() => task.locator('article.task').getAttribute('data-state'), UI).toBe('succeeded');
    await expect.poll(() => task.locator('#diff').textContent(), UI).toContain('hello.txt');
    expect(await stillTheSameDocument(task)).toBe(true);
    // The activity stream got the task's request and its pull request, live.
    await expect
      .poll(() => activity.locator(`li[id^="ev-${liveTask}-"]`).allTextContents(), UI)
      .toEqual(
        expect.arrayContaining([expect.stringMatching(/requested/), expect.stringMatching(/pull request/)]),
      );
    expect(await stillTheSameDocument(activity)).toBe(true);
    await activity.close();
    await expect
      .poll(() => kept.locator(`#task-${liveTask}`).getAttribute('data-state'), UI)
      .toBe('succeeded');
    expect(await left.locator('tr[data-task]').count()).toBe(0);
    await second.close();
    await tasks.close();
    await task.close();
  }, 150_000);

  let ritasTask = 0;
  it('approves, cancels and retries from the page, and refuses a user without the permission', async () => {
    const issue = await stack.issue('Typo', '', 'rita');
    await stack.comment(issue, 'rita', '/agent slowly fix the typo');
    ritasTask = (
      await stack.waitForTask(
        (t) => t.issueNumber === issue && t.state === 'awaiting_approval',
        'rita’s request',
      )
    ).id;

    const act = async (page: Page, action: string) => {
      await page.locator(`details.confirm[data-action="${action}"] summary`).click();
      await page.getByRole('button', { name: `Yes, ${action} task ${ritasTask}` }).click();
      await page.waitForLoadState();
    };

    // Rex (read access) may not approve it, nor may rita her own: the page says why, nothing changes.
    const rex = await open('rex', `/tasks/${ritasTask}`);
    await act(rex, 'approve');
    await expect
      .poll(() => rex.getByRole('alert').textContent(), UI)
      .toMatch(/needs write access.*you have read/);
    await screenshot(rex, 'task-approve-refused');
    await rex.close();
    const rita = await open('rita', `/tasks/${ritasTask}`);
    await act(rita, 'approve');
    await expect.poll(() => rita.getByRole('alert').textContent(), UI).toMatch(/your own request/);
    expect(await taskState(ritasTask)).toBe('awaiting_approval');

    // Maria (maintain) approves it, then cancels the run it started.
    const maria = await open('maria', `/tasks/${ritasTask}`);
    await act(maria, 'approve');
    await expect.poll(() => maria.getByRole('status').first().textContent(), UI).toContain('Approved');
    await stack.waitForTask((t) => t.id === ritasTask && t.state !== 'awaiting_approval', 'the approval');
    expect((await stack.tasks()).find((t) => t.id === ritasTask)!.approvedBy).toBe('maria');
    await maria.goto(`${appUrl}/tasks/${ritasTask}`);
    await act(maria, 'cancel');
    await stack.waitForTask((t) => t.id === ritasTask && t.state === 'cancelled', 'the cancel');

    // A retry: refused for rita, a new attempt for maria.
    await rita.goto(`${appUrl}/tasks/${ritasTask}`);
    await act(rita, 'retry');
    await expect
      .poll(() => rita.getByRole('alert').textContent(), UI)
      .toMatch(/needs write access.*you have read/);
    await screenshot(rita, 'task-retry-refused');
    expect(await taskState(ritasTask)).toBe('cancelled');
    await maria.goto(`${appUrl}/tasks/${ritasTask}`);
    await act(maria, 'retry');
    const retried = await stack.waitForTask(
      (t) => t.id === ritasTask && t.attempt === 2 && !isTerminal(t.state),
      'the retry',
    );
    expect(retried.attempt).toBe(2);
    const events = await stack.events(ritasTask);
    expect(events).toEqual(expect.arrayContaining(['approve', 'cancel', 'retry']));
    // Stop the slow second attempt: nothing else needs it.
    await maria.goto(`${appUrl}/tasks/${ritasTask}`);
    await act(maria, 'cancel');
    await stack.waitForTask((t) => t.id === ritasTask && isTerminal(t.state), 'the second cancel');
    await rita.close();
    await maria.close();
  }, 150_000);

  it('has no serious accessibility violation on any page, in either theme (screenshots saved)', async () => {
    const pages: [string, string, string][] = [
      ['activity', 'maria', '/'],
      ['tasks', 'maria', '/tasks'],
      ['task', 'maria', `/tasks/${liveTask}`],
      ['task-refused-actions', 'rita', `/tasks/${ritasTask}`],
      ['repositories', 'maria', '/repositories'],
      ['repository', 'maria', '/repositories/acme/widgets'],
      ['usage', 'maria', '/usage'],
      ['operations', 'opal', '/operations'],
    ];
    // A merged pull request, so the usage page has outcomes to draw.
    const published = (await stack.tasks()).find((t) => t.id === liveTask)!;
    await stack.sim.mergePullRequest({
      repo: stack.repo.fullName,
      number: published.prNumber!,
      user: 'maria',
    });
    await stack.waitFor(async () => {
      const merged = await stack.app.pool.query("SELECT 1 FROM pr_outcomes WHERE state = 'merged'");
      return merged.rowCount ? true : undefined;
    }, 'the merge to be recorded');
    const found: Record<string, unknown> = {};
    for (const scheme of ['light', 'dark'] as const) {
      for (const [name, login, path] of pages) {
        const page = await open(login, path);
        await page.emulateMedia({ colorScheme: scheme });
        await page.waitForLoadState('networkidle').catch(() => {}); // SSE keeps the network busy
        const violations = await seriousViolations(page);
        if (violations.length > 0) found[`${name} (${scheme})`] = violations;
        await screenshot(page, `${name}-${scheme}`);
        await page.close();
      }
    }
    // The README's picture (docs/dashboard.png is this, committed by hand when the pages change).
    const small = await chromium.newContext({
      storageState: await contexts.maria!.context.storageState(),
      viewport: { width: 1200, height: 1200 },
      deviceScaleFactor: 0.6,
      colorScheme: 'dark',
    });
    const readme = await small.newPage();
    await readme.goto(`${appUrl}/tasks/${liveTask}`);
    await readme.screenshot({ path: `${ARTIFACTS}/readme.png`, fullPage: true });
    await small.close();
    expect(found).toEqual({});
    for (const [login, { problems }] of Object.entries(contexts)) expect(problems, login).toEqual([]);
  }, 180_000);

  it('reads without JavaScript, and fits a phone', async () => {
    const storageState = await contexts.maria!.context.storageState();
    const bare = await chromium.newContext({ storageState, javaScriptEnabled: false });
    const page = await bare.newPage();
    await page.goto(`${appUrl}/tasks`);
    expect(await page.locator('tr[data-task]').count()).toBeGreaterThanOrEqual(2);
    await page.goto(`${appUrl}/tasks/${liveTask}`);
    expect(await page.locator('[data-transcript-items]').textContent()).toContain('step 3: done');
    expect(await page.locator('#diff').textContent()).toContain('hello.txt');
    await page.goto(`${appUrl}/`);
    expect(await page.locator('ol.activity li').count()).toBeGreaterThan(0);
    await page.goto(`${appUrl}/usage`);
    expect(await page.locator('table').count()).toBeGreaterThan(0);
    await bare.close();

    const phone = await chromium.newContext({ storageState, viewport: { width: 390, height: 800 } });
    const small = await phone.newPage();
    for (const path of ['/', '/tasks', `/tasks/${liveTask}`, '/repositories/acme/widgets', '/usage']) {
      await small.goto(`${appUrl}${path}`);
      // Wide tables scroll in their own region; the page itself never scrolls sideways.
      const overflow = await small.evaluate<number>('document.documentElement.scrollWidth - innerWidth');
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await screenshot(small, 'usage-phone');
    await small.goto(`${appUrl}/tasks`);
    await screenshot(small, 'tasks-phone');
    await phone.close();
  });

  it('keeps operations to operators, and is usable from the keyboard', async () => {
    const { context } = contexts.maria!;
    const page = await context.newPage();
    const refused = await page.goto(`${appUrl}/operations`);
    expect(refused?.status()).toBe(403);
    await page.goto(`${appUrl}/tasks`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
    await page.keyboard.press('Slash');
    expect(await page.evaluate('document.activeElement?.name')).toBe('q');
    await page.keyboard.type('hello');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=hello/);
    await expect.poll(() => page.locator('tr[data-task]').count(), UI).toBe(1);
    await page.close();
  });
});
