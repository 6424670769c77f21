// Runs git on a checkout an agent has had its hands on. After the engine ran, .git/config,
// .gitattributes, hooks and the index are all untrusted: a `filter.<x>.clean` or
// `core.fsmonitor` command, a `post-index-change` hook, a `diff.<x>.textconv` or an external
// diff would run with the action's environment (which holds the OIDC request token). So git
// gets a minimal environment of its own, no system or global config, and command-line
// overrides that switch off every config-driven command the calls below could reach.
// collect-changes.ts goes further and never reads the checkout's .git/config at all.
import { spawn } from 'node:child_process';
import { ActionError } from '../action-error.ts';

const OVERRIDES: readonly string[] = [
  'core.fsmonitor=false', // no fsmonitor hook command
  'core.hooksPath=/dev/null', // no hooks (git add runs post-index-change)
  'core.untrackedCache=false',
  'core.attributesFile=/dev/null',
  'core.pager=cat',
  'protocol.allow=never', // no transport at all: no lazy fetches, no ssh/http helpers
  'diff.external=', // belt and braces with --no-ext-diff
  'gc.auto=0',
  'maintenance.auto=false',
  'advice.addEmbeddedRepo=false',
  // Job containers run as root on a checkout the runner user owns. Ownership checks guard
  // against reading an untrusted .git/config; collection never reads the checkout's config.
  'safe.directory=*',
];

export const GIT_HARDENING_ARGS: readonly string[] = OVERRIDES.flatMap((setting) => ['-c', setting]);

/** Only what git needs; nothing from the action's own environment but PATH. */
export function hardenedGitEnvironment(
  home: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: `${home}/.config`,
    LANG: 'C',
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ATTR_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_NO_REPLACE_OBJECTS: '1',
    GIT_NO_LAZY_FETCH: '1',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_LITERAL_PATHSPECS: '1',
    ...extra,
  };
}

export class GitOutputTooLarge extends Error {
  readonly limit: number;

  constructor(limit: number) {
    super(`git output exceeded ${limit} bytes`);
    this.limit = limit;
  }
}

export type GitCall = {
  cwd: string;
  env: Record<string, string>;
  input?: string;
  /** Stop git and throw GitOutputTooLarge once stdout passes this many bytes. */
  maxOutputBytes?: number;
};

export function git(args: readonly string[], call: GitCall): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...GIT_HARDENING_ARGS, ...args], {
      cwd: call.cwd,
      env: call.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (call.maxOutputBytes !== undefined && size > call.maxOutputBytes) {
        tooLarge = true;
        child.kill('SIGKILL');
        return;
      }
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', (error) =>
      reject(
        new ActionError(
          'git-unavailable',
          `git could not be started (is it installed on the runner?): ${error.message}`,
          {
            cause: error,
          },
        ),
      ),
    );
    child.once('close', (code) => {
      if (tooLarge) return reject(new GitOutputTooLarge(call.maxOutputBytes ?? 0));
      if (code === 0) return resolve(Buffer.concat(out));
      const stderr = Buffer.concat(err).toString('utf8').trim().slice(0, 1000);
      reject(new ActionError('git-failed', `git ${args[0]} failed (exit ${code}): ${stderr}`));
    });
    child.stdin.on('error', () => {});
    child.stdin.end(call.input ?? '');
  });
}
