// The App as its own process (`src/boot/main.ts`, as `npm start` runs it), for benchmarks that
// measure that process alone: its resident memory comes from /proc, not from the benchmark's
// own heap (which also holds the load generator and the simulator).
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export type AppProcess = {
  pid: number;
  /** Resident set size of the process now, in bytes. */
  rss(): number;
  stop(): Promise<number | null>;
};

/** Starts `node src/boot/main.ts` with exactly this environment and waits for /readyz. */
export async function startAppProcess(env: Record<string, string>, readyUrl: string): Promise<AppProcess> {
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'src/boot/main.ts')], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (true) {
    if (child.exitCode !== null) throw new Error(`the App exited with ${child.exitCode} before it was ready`);
    const ready = await fetch(readyUrl).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the App was not ready at ${readyUrl} within 60 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const pid = child.pid!;
  return {
    pid,
    rss: () => residentBytes(pid),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** VmRSS of a process (Linux), in bytes. */
export function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (!kib) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib) * 1024;
}

export type HeapFigures = { heapUsed: number; heapTotal: number; external: number };

/** The V8 heap and external memory of the App, from its /metrics (prom-client's default metrics). */
export async function heapFigures(metricsUrl: string, token: string): Promise<HeapFigures> {
  const text = await (await fetch(metricsUrl, { headers: { authorization: `Bearer ${token}` } })).text();
  const value = (name: string) => {
    const line = new RegExp(`^agent_dispatch_process_${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(text)?.[1];
    return line === undefined ? Number.NaN : Number(line);
  };
  return {
    heapUsed: value('nodejs_heap_size_used_bytes'),
    heapTotal: value('nodejs_heap_size_total_bytes'),
    external: value('nodejs_external_memory_bytes'),
  };
}

/**
 * The App's live JS heap after a full garbage collection, through its inspector (opened by
 * SIGUSR1 on the port given by `--inspect-port` when the process started; it stays open). The
 * collection changes what RSS reads next, so take RSS first.
 */
export async function liveHeapBytes(pid: number, inspectPort: number): Promise<number> {
  process.kill(pid, 'SIGUSR1');
  const deadline = Date.now() + 10_000;
  let targets: { webSocketDebuggerUrl: string }[] | undefined;
  while (!targets) {
    targets = await fetch(`http://127.0.0.1:${inspectPort}/json/list`).then(
      (r) => r.json() as Promise<{ webSocketDebuggerUrl: string }[]>,
      () => undefined,
    );
    if (!targets && Date.now() > deadline) throw new Error(`no inspector on port ${inspectPort}`);
    if (!targets) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve);
    socket.addEventListener('error', reject);
  });
  let id = 0;
  const call = (method: string) =>
    new Promise<Record<string, number>>((resolve) => {
      const mine = ++id;
      const listener = (event: MessageEvent) => {
        const message = JSON.parse(String(event.data)) as { id?: number; result: Record<string, number> };
        if (message.id !== mine) return;
        socket.removeEventListener('message', listener);
        resolve(message.result);
      };
      socket.addEventListener('message', listener);
      socket.send(JSON.stringify({ id: mine, method }));
    });
  try {
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.collectGarbage');
    return (await call('Runtime.getHeapUsage')).usedSize!;
  } finally {
    socket.close();
  }
}
