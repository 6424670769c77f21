// How `.github/agent.yml` files combine (`_extends`, the org's defaults): later files win, nested
// objects merge key by key, arrays replace. Pure.

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Later configs win; nested objects merge key by key, arrays replace. */
export function deepMerge(...configs: object[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const config of configs) {
    for (const [key, value] of Object.entries(config)) {
      const current = out[key];
      out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
    }
  }
  return out;
}
