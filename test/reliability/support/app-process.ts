// The App as an operator runs it (`node src/boot/main.ts`), as a child process, for tests and the
// chaos suite: start it, wait until it is ready, signal it, see how it exited.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const MAIN = path.resolve(import.meta.dirname, '../../../src/boot/main.ts');

export type AppProcess = {
  child: ChildProcess;
  url: string;
  pid: number;
  /** Its working directory (where it reads and writes .env). */
  cwd: string;
  /** Everything it wrote (JSON log lines). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  ready(timeoutMs?: number): Promise<void>;
};

export function startAppProcess(env: Record<string, string>, port: number): AppProcess {
  // Its own working directory, so no .env of this checkout is read.
  const cwd = mkdtempSync(path.join(tmpdir(), 'agent-dispatch-app-'));
  const child = spawn(process.execPath, [MAIN], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const keep = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    if (text.length > 2_000_000) text = text.slice(-1_000_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // The working directory goes with the process ('close': its output is read, it has exited).
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      rmSync(cwd, { recursive: true, force: true });
      resolve({ code, signal });
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  return {
    child,
    url,
    cwd,
    pid: child.pid ?? -1,
    output: () => text,
    exited,
    async ready(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let gone = false;
      void exited.then(() => {
        gone = true;
      });
      while (Date.now() < deadline && !gone) {
        try {
          const response = await fetch(`${url}/readyz`);
          if (response.status === 200) return;
        } catch {}
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`the App on ${url} did not get ready:\n${text.slice(-4000)}`);
    },
  };
}
