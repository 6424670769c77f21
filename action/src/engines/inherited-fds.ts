// Descriptors the action inherited from whoever started it without close-on-exec (a runner that
// leaks one, say to a credentials file) would pass on to every program it starts. Node and
// libuv open everything close-on-exec; these are the others, from /proc/self/fdinfo. When the
// engine is started, each of them is pointed at /dev/null in the engine (run-process-tree.ts).
import { readdirSync, readFileSync } from 'node:fs';

const O_CLOEXEC = 0o2000000;

/** Pure: whether an fdinfo text says the descriptor survives exec. */
export function survivesExec(fdinfo: string): boolean {
  const flags = /^flags:\s+([0-7]+)/m.exec(fdinfo)?.[1];
  return flags !== undefined && (Number.parseInt(flags, 8) & O_CLOEXEC) === 0;
}

/** Descriptors above 2 of this process that a child would inherit (none where /proc is missing). */
export function inheritedDescriptors(): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc/self/fdinfo');
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const entry of entries) {
    const fd = Number(entry);
    if (!Number.isInteger(fd) || fd <= 2) continue;
    try {
      if (survivesExec(readFileSync(`/proc/self/fdinfo/${entry}`, 'utf8'))) found.push(fd);
    } catch {
      // closed meanwhile (the directory listing itself, for one)
    }
  }
  return found.sort((a, b) => a - b);
}

/** Pure: stdio entries past 0–2 that point each inherited descriptor at `devNull`. */
export function blankedDescriptors(inherited: readonly number[], devNull: number): (number | 'ignore')[] {
  const last = inherited.length === 0 ? 2 : Math.max(...inherited);
  const extra: (number | 'ignore')[] = [];
  for (let fd = 3; fd <= last; fd++) extra.push(inherited.includes(fd) ? devNull : 'ignore');
  return extra;
}
