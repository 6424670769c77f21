// An open-loop load: requests sent at a fixed arrival rate whatever the server's answers, each
// latency taken from the moment the request was due (not from when a free connection let it go),
// so a server that falls behind shows it in its tail instead of slowing the load down.
import { Agent, request } from 'node:http';
import { percentile } from './results.ts';

export type OpenLoopResult = {
  rate: number;
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** Answers per second over the run (sent requests still open at the end count as not answered). */
  achieved: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
};

export type OpenLoopOptions = {
  url: string;
  rate: number;
  seconds: number;
  body: string;
  headers: () => Record<string, string>;
};

/** A request stuck longer than this counts as an error. */
const TIMEOUT_MS = 10_000;
const TICK_MS = 2;

export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const latencies: number[] = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let sent = 0;
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const start = performance.now();
  const pending: Promise<void>[] = [];

  function fire(due: number): Promise<void> {
    return new Promise((resolve) => {
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          timeout: TIMEOUT_MS,
          headers: { ...options.headers(), 'content-length': Buffer.byteLength(options.body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - due);
            if (res.statusCode && res.statusCode >= 200 && res.statusCode < 300) ok++;
            else non2xx++;
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(options.body);
    });
  }

  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        pending.push(fire(start + sent * interval));
        sent++;
      }
      if (sent < total) setTimeout(tick, TICK_MS);
      else resolve();
    };
    tick();
  });
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    rate: options.rate,
    sent,
    ok,
    non2xx,
    errors,
    achieved: ok / elapsed,
    p50: round(percentile(latencies, 50)),
    p90: round(percentile(latencies, 90)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies.at(-1) ?? Number.NaN),
  };
}
