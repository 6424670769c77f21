// Debian's Chromium driven by playwright-core (no browser download: `apt-get install -y chromium`,
// which .ci/run does when it is missing), with what each page logged against it: CSP violations,
// script errors, and axe-core's accessibility findings.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(import.meta.dirname, '../../../test-artifacts/dashboard');

/** Chromium's singleton socket, two levels below its TMPDIR; a Unix socket path holds 107 bytes. */
const SOCKET_BELOW_TMPDIR = '/cr-XXXXXX/.org.chromium.Chromium.XXXXXX/SingletonSocket'.length;
const SOCKET_PATH_MAX = 107;

/**
 * Chromium writes temporary directories of its own (`.org.chromium.Chromium.*`, its singleton
 * socket's) straight into TMPDIR, and leaves them when it is stopped rather than closed — as a
 * close can end under load. It gets a TMPDIR of its own, removed once it has gone: under the
 * test's TMPDIR when the socket's path fits there, else under /tmp (Chromium refuses to start
 * when that path is too long).
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: run \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`);
  const base = tmpdir().length + SOCKET_BELOW_TMPDIR <= SOCKET_PATH_MAX ? tmpdir() : '/tmp';
  const ownTmp = mkdtempSync(path.join(base, 'cr-'));
  const removeTmp = () => rmSync(ownTmp, { recursive: true, force: true });
  try {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      env: { ...process.env, TMPDIR: ownTmp },
    });
    browser.once('disconnected', removeTmp);
    return browser;
  } catch (error) {
    removeTmp();
    throw error;
  }
}

/** Everything a page complained about: CSP refusals and uncaught errors. */
export function watchProblems(page: Page, problems: string[] = []): string[] {
  page.on('console', (message) => {
    const text = message.text();
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(text)) problems.push(text);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  return problems;
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export type AxeFinding = { id: string; impact: string; help: string; targets: string[] };

/** axe-core on the page as it is; the serious and critical findings. Injected through the
 *  DevTools protocol, so the page's own CSP stays as strict as it is for people. */
export async function seriousViolations(page: Page): Promise<AxeFinding[]> {
  await page.evaluate(`${AXE};0`);
  const findings = await page.evaluate<
    { id: string; impact: string; help: string; nodes: { target: string[] }[] }[]
  >('axe.run().then((result) => result.violations)');
  return findings
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
