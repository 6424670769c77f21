// What goes wrong in each chaos scenario while the tasks are submitted and worked through.
import type { ProcessStack } from '../../test/reliability/support/process-stack.ts';
import type { RestartablePostgres } from './restartable-postgres.ts';
import type { Supervisor } from './supervisor.ts';

export type ChaosContext = {
  stack: ProcessStack;
  supervisor: Supervisor;
  postgres: RestartablePostgres;
  /** True once every submitted command has ended: the chaos stops. */
  drained(): boolean;
  note(line: string): void;
};

export type Scenario = {
  name: string;
  title: string;
  replicas: number;
  chaos(ctx: ChaosContext): Promise<void>;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (min: number, max: number) => min + Math.random() * (max - min);

/** Sleeps up to `ms`, waking early when the run drained; says whether to go on. */
async function pause(ctx: ChaosContext, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (ctx.drained()) return false;
    await sleep(Math.min(250, until - Date.now()));
  }
  return !ctx.drained();
}

/** No chaos, one replica: the baseline to compare drain times with (`--scenarios calm`). */
export const CALM: Scenario = { name: 'calm', title: 'No chaos (baseline)', replicas: 1, async chaos() {} };

export const SCENARIOS: Scenario[] = [
  {
    name: 'kill',
    title: 'App SIGKILLed at random moments and restarted',
    replicas: 1,
    async chaos(ctx) {
      for (let kill = 1; kill <= 6; kill++) {
        if (!(await pause(ctx, between(5_000, 15_000)))) return;
        if (ctx.supervisor.killOne()) ctx.note(`SIGKILL #${kill}`);
      }
    },
  },
  {
    name: 'postgres',
    title: 'Postgres restarted mid-load',
    replicas: 1,
    async chaos(ctx) {
      for (const [at, down] of [
        [15_000, 5_000],
        [35_000, 8_000],
      ] as const) {
        if (!(await pause(ctx, at))) return;
        ctx.note(`Postgres down for ${down / 1000} s`);
        await ctx.postgres.restart(down);
      }
    },
  },
  {
    name: 'github-faults',
    title: 'GitHub 5xx bursts, secondary-limit 403s with retry-after, dropped connections',
    replicas: 1,
    async chaos(ctx) {
      const faults = ctx.stack.sim.faults;
      const rounds: Array<[string, () => void]> = [
        [
          '502 on every request for 3 s',
          () => faults.inject({ kind: { type: 'status', status: 502 }, forMs: 3_000 }),
        ],
        [
          'secondary-limit 403 (retry-after 3) on the next 15 writes',
          () =>
            faults.inject({
              method: 'POST',
              kind: { type: 'secondary-rate-limit', retryAfter: 3 },
              count: 15,
            }),
        ],
        ['dropped connections for 2 s', () => faults.inject({ kind: { type: 'drop' }, forMs: 2_000 })],
        [
          '503 on every write for 4 s',
          () => faults.inject({ method: 'POST', kind: { type: 'status', status: 503 }, forMs: 4_000 }),
        ],
        [
          'secondary-limit 403 (retry-after 5) on comment edits',
          () =>
            faults.inject({
              method: 'PATCH',
              route: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
              kind: { type: 'secondary-rate-limit', retryAfter: 5 },
              count: 10,
            }),
        ],
        [
          '429 (retry-after 2) on the next 10 requests',
          () => faults.inject({ kind: { type: 'rate-limit-429', retryAfter: 2 }, count: 10 }),
        ],
      ];
      for (let round = 0; round < 12; round++) {
        if (!(await pause(ctx, between(4_000, 9_000)))) return;
        const [what, inject] = rounds[round % rounds.length]!;
        inject();
        ctx.note(what);
      }
    },
  },
  {
    name: 'replicas',
    title: 'Three replicas behind a round-robin forwarder',
    replicas: 3,
    async chaos() {},
  },
];
