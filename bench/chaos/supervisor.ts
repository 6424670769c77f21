// Keeps N App replicas running, as systemd or Kubernetes would: a replica that exits (killed by
// the chaos, or on its own) is started again. Counts planned kills and unplanned exits.
import type { AppProcess } from '../../test/reliability/support/app-process.ts';
import type { ProcessStack } from '../../test/reliability/support/process-stack.ts';

export type Supervisor = {
  kills: number;
  restarts: number;
  /** Exits nobody asked for (e.g. a replica that gave up on a lost database), with their codes. */
  unplannedExits: string[];
  /** Sends SIGKILL to one running replica, at random. */
  killOne(): boolean;
  stop(): Promise<void>;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function superviseReplicas(stack: ProcessStack, count: number): Promise<Supervisor> {
  let stopped = false;
  const current: Array<AppProcess | undefined> = Array(count).fill(undefined);
  const planned = new Set<number>();
  const supervisor: Supervisor = {
    kills: 0,
    restarts: 0,
    unplannedExits: [],
    killOne() {
      const live = current.filter((r): r is AppProcess => r !== undefined && r.child.exitCode === null);
      const victim = live[Math.floor(Math.random() * live.length)];
      if (!victim) return false;
      planned.add(victim.pid);
      victim.child.kill('SIGKILL');
      supervisor.kills++;
      return true;
    },
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };

  async function keep(slot: number, first: () => void): Promise<void> {
    let started = false;
    while (!stopped) {
      let replica: AppProcess;
      try {
        replica = await stack.startReplica();
      } catch {
        // Not ready (the database may be down): stop what is left of it and try again.
        for (const r of stack.replicas)
          if (r.child.exitCode === null && !current.includes(r)) r.child.kill('SIGKILL');
        await sleep(1_000);
        continue;
      }
      current[slot] = replica;
      if (!started) {
        started = true;
        first();
      }
      const exit = await Promise.race([replica.exited, until(() => stopped)]);
      stack.detach(replica);
      current[slot] = undefined;
      if (stopped) return;
      if (exit && !planned.has(replica.pid)) {
        supervisor.unplannedExits.push(`exit ${exit.code ?? exit.signal}`);
      }
      supervisor.restarts++;
      await sleep(300);
    }
  }

  async function until(done: () => boolean): Promise<undefined> {
    while (!done()) await sleep(200);
    return undefined;
  }

  const ready: Promise<void>[] = [];
  const loops: Promise<void>[] = [];
  // The first replica migrates the database alone; the others start once it is up.
  for (let slot = 0; slot < count; slot++) {
    let resolve = () => {};
    ready.push(new Promise<void>((r) => (resolve = r)));
    loops.push(keep(slot, resolve));
    if (slot === 0) await ready[0];
  }
  await Promise.all(ready);
  return supervisor;
}
