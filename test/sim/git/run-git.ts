// Runs git against a bare repository with an argument array (never a shell string).
import { spawn } from 'node:child_process';

export class GitError extends Error {
  readonly exitCode: number | null;
  readonly stderr: string;
  constructor(args: string[], exitCode: number | null, stderr: string) {
    super(`git ${args.join(' ')} failed (${exitCode}): ${stderr.trim()}`);
    this.name = 'GitError';
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

export type GitOptions = { input?: string | Buffer; env?: Record<string, string>; cwd?: string };

const quietEnv = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: 'simulator',
  GIT_AUTHOR_EMAIL: 'simulator@localhost',
  GIT_COMMITTER_NAME: 'simulator',
  GIT_COMMITTER_EMAIL: 'simulator@localhost',
};

export function git(gitDir: string, args: string[], options: GitOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: { ...process.env, ...quietEnv, GIT_DIR: gitDir, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new GitError(args, code, Buffer.concat(err).toString('utf8')));
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

export async function gitText(gitDir: string, args: string[], options: GitOptions = {}): Promise<string> {
  return (await git(gitDir, args, options)).toString('utf8');
}

/** Runs git and answers false instead of throwing when git exits non-zero. */
export async function gitSucceeds(gitDir: string, args: string[]): Promise<boolean> {
  try {
    await git(gitDir, args);
    return true;
  } catch (error) {
    if (error instanceof GitError) return false;
    throw error;
  }
}

/** A full object id: what it names never changes. */
export const OBJECT_ID = /^[0-9a-f]{40}$/;

// Reads of objects named by their full id, kept: a git process per REST call was most of the
// simulator's CPU under load (spawning from the test process, which holds the App too, blocks
// its event loop for each one). Bounded by bytes; the oldest answers go first.
const CACHE_BYTES = 64 * 1024 * 1024;
const answers = new Map<string, Buffer>();
let cachedBytes = 0;

/**
 * `git` for a read whose answer cannot change: every object it names is a full object id. Only
 * successful answers are kept (a missing object may be written later).
 */
export async function gitObjectRead(gitDir: string, args: string[]): Promise<Buffer> {
  const key = `${gitDir}\0${args.join('\0')}`;
  const known = answers.get(key);
  if (known) return Buffer.from(known);
  const answer = await git(gitDir, args);
  answers.set(key, Buffer.from(answer));
  cachedBytes += answer.length;
  for (const [oldest, value] of answers) {
    if (cachedBytes <= CACHE_BYTES) break;
    answers.delete(oldest);
    cachedBytes -= value.length;
  }
  return answer;
}
