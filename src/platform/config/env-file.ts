// Writes settings into a `.env` file (the registration flow's credentials), keeping every other
// line as it was. Values are double-quoted with `\n` for newlines, which Node's own reader
// (`process.loadEnvFile`, `util.parseEnv`) turns back into the value. The file is private (0600).
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

function quote(name: string, value: string): string {
  if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) throw new Error(`not a variable name: ${name}`);
  if (/["\\]/.test(value)) throw new Error(`${name}: a value with a quote or a backslash cannot be written`);
  return `${name}="${value.replace(/\r?\n/g, '\\n')}"`;
}

export function updateEnvFile(file: string, values: Record<string, string>): void {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
  const pending = new Map(Object.entries(values));
  const kept = lines.map((line) => {
    const name = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    const value = name === undefined ? undefined : pending.get(name);
    if (name === undefined || value === undefined) return line;
    pending.delete(name);
    return quote(name, value);
  });
  while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop();
  for (const [name, value] of pending) kept.push(quote(name, value));
  const staging = `${file}.${process.pid}.tmp`;
  writeFileSync(staging, `${kept.join('\n')}\n`, { mode: 0o600 });
  chmodSync(staging, 0o600);
  renameSync(staging, file);
}
