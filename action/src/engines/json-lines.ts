// Splits an engine's stdout into lines as it streams (chunks end anywhere, UTF-8 included) and
// hands each complete line on; the CLIs print one JSON object a line, read here loosely.
import { StringDecoder } from 'node:string_decoder';

/** Longer lines are still passed on, cut to this many characters, so memory stays bounded. */
const MAX_LINE_CHARS = 4 * 1024 * 1024;

export type JsonObject = Record<string, unknown>;

export function createLineSplitter(onLine: (line: string) => void): {
  write(chunk: Buffer): void;
  end(): void;
} {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const take = (text: string) => {
    pending += text;
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      onLine(pending.slice(0, newline).replace(/\r$/, ''));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
    if (pending.length > MAX_LINE_CHARS) {
      onLine(pending.slice(0, MAX_LINE_CHARS));
      pending = '';
    }
  };
  return {
    write: (chunk) => take(decoder.write(chunk)),
    end() {
      take(decoder.end());
      if (pending !== '') onLine(pending);
      pending = '';
    },
  };
}

/** The JSON object on a line, or null for anything else (a plain log line). */
export function parseJsonLine(line: string): JsonObject | null {
  const text = line.trim();
  if (!text.startsWith('{')) return null;
  try {
    return read.obj(JSON.parse(text)) ?? null;
  } catch {
    return null;
  }
}

/** One line of at most `max` characters, for the job log. */
export function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Small readers for the CLIs' loosely typed JSON. */
export const read = {
  obj(value: unknown): JsonObject | undefined {
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as JsonObject)
      : undefined;
  },
  num(value: unknown): number | null {
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
  },
  str(value: unknown): string | null {
    return typeof value === 'string' ? value : null;
  },
};
