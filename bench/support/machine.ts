// The machine a benchmark ran on, for the record next to its figures.
import { cpus, totalmem } from 'node:os';

export function machineLine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const memory = `${Math.round(totalmem() / 1024 ** 3)} GiB`;
  const date = new Date().toISOString().slice(0, 10);
  return `${date} · ${cpus().length} cores (${cpu}) · ${memory} · Node ${process.versions.node} · ${process.platform}-${process.arch}`;
}
