// Text and JSON from outside, made storable once at the edge (a webhook payload as it is recorded,
// a job's message on the runner API, thread text read from GitHub). Postgres refuses U+0000 in
// `text` and `jsonb` and a lone surrogate in `jsonb`, and JSON.stringify overflows the stack on
// deep nesting; each would otherwise turn one hostile string into a failure retried forever. Pure.

/** Shown where a NUL byte or half a surrogate pair was: visible, storable, never mistaken for text. */
export const REPLACEMENT = '\uFFFD';

/** Deeper JSON than this is refused: no payload GitHub or the action sends comes near it. */
export const MAX_JSON_DEPTH = 64;

/** Lone surrogates and NUL become U+FFFD; everything else is kept as it is. */
export function wellFormed(text: string): string {
  const whole = text.isWellFormed() ? text : text.toWellFormed();
  return whole.includes('\0') ? whole.replaceAll('\0', REPLACEMENT) : whole;
}

export type CleanJson = { ok: true; value: unknown; changed: boolean } | { ok: false; reason: string };

type Frame = { source: unknown; depth: number; assign: (value: unknown) => void };

/**
 * A copy of parsed JSON with every string and key well formed, walked without recursion (a
 * payload nested 100,000 deep is refused with a reason, not a stack overflow).
 */
export function cleanJson(input: unknown, maxDepth = MAX_JSON_DEPTH): CleanJson {
  let result: unknown;
  let changed = false;
  const fix = (text: string) => {
    const fixed = wellFormed(text);
    if (fixed !== text) changed = true;
    return fixed;
  };
  const stack: Frame[] = [{ source: input, depth: 0, assign: (v) => (result = v) }];
  while (stack.length > 0) {
    const { source, depth, assign } = stack.pop()!;
    if (typeof source === 'string') {
      assign(fix(source));
      continue;
    }
    if (source === null || typeof source !== 'object') {
      assign(source);
      continue;
    }
    if (depth >= maxDepth) return { ok: false, reason: `the JSON is nested deeper than ${maxDepth} levels` };
    if (Array.isArray(source)) {
      const copy: unknown[] = new Array(source.length);
      assign(copy);
      source.forEach((item, index) => {
        stack.push({ source: item, depth: depth + 1, assign: (v) => (copy[index] = v) });
      });
      continue;
    }
    const copy: Record<string, unknown> = {};
    assign(copy);
    for (const [key, item] of Object.entries(source)) {
      const cleanKey = fix(key);
      // defineProperty: a key named `__proto__` stays a key, as JSON.parse made it.
      const assignKey = (v: unknown) =>
        Object.defineProperty(copy, cleanKey, {
          value: v,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      stack.push({ source: item, depth: depth + 1, assign: assignKey });
    }
  }
  return { ok: true, value: result, changed };
}
