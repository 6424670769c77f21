// The machine a benchmark ran on, for the record next to its figures.
import { cpus, totalmem } from 'node:os';

export function machineLine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const memory = `${Math.round(totalmem() / 1024 ** 3)} GiB`;
  const date = new Date().toISOString().slice(0, 10);
  return `${date} · ${cpus().length} cores (${cpu}) · ${memory} · Node ${process.versions.node} · ${process.platform}-${process.arch}`;
}

/**
 * What the load average said about the machine while a benchmark ran, derived from the figures:
 * a 1-minute load above the core count means other work competed for the cores.
 */
export function loadLine(before: number[], after: number[]): string {
  const text = (l: number[]) => l.map((n) => n.toFixed(2)).join(' / ');
  const cores = cpus().length;
  const peak = Math.max(before[0] ?? 0, after[0] ?? 0);
  const verdict =
    peak > cores
      ? `above the ${cores} cores: other work shared the machine, so compare figures within this run only`
      : `within the ${cores} cores: the machine was not oversubscribed`;
  return `1/5/15-minute load average ${text(before)} at the start and ${text(after)} at the end (1-minute load ${verdict}).`;
}
