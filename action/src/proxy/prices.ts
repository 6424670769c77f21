// Pure: what model tokens cost, in US dollars per million tokens, by model name.
//
// List prices of the providers' pricing pages for standard (not batch, not priority) API use:
//   Anthropic  platform.claude.com/docs/en/about-claude/pricing ("Model pricing": base input,
//              5-minute cache writes, cache hits, output)
//   OpenAI     openai.com/api/pricing (input, cached input, output)
//   Google     ai.google.dev/gemini-api/docs/pricing (paid tier, prompts up to 200k tokens)
// Checked when this table was written (November 2026). A model that is not listed has no price:
// under a cost limit its calls are refused (limits.ts: the limit could not hold for it); without
// one its tokens are counted and its cost is reported as unknown (null), which the job log says.
// Update this table, not the code, when prices change.

export type Price = {
  /** Uncached input tokens. */
  input: number;
  output: number;
  /** Input tokens read from the provider's prompt cache; defaults to the input price. */
  cacheRead?: number;
  /** Input tokens written to the prompt cache; defaults to the input price. */
  cacheWrite?: number;
};

/** First match wins: more specific names before their families. */
const PRICES: readonly (readonly [RegExp, Price])[] = [
  // Anthropic
  [/^claude-(?:opus-4-[5-9]|opus-5)/, { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 }],
  [
    /^claude-(?:opus-4(?:-[01])?(?:-|$)|3-opus)/,
    { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  ],
  [/^claude-(?:sonnet-4|3-7-sonnet|3-5-sonnet)/, { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 }],
  [/^claude-haiku-4-5/, { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 }],
  [/^claude-3-5-haiku/, { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 }],
  [/^claude-3-haiku/, { input: 0.25, output: 1.25, cacheRead: 0.03, cacheWrite: 0.3 }],
  // OpenAI
  [/^gpt-5\.5-pro/, { input: 30, output: 180 }],
  [/^gpt-5\.5/, { input: 5, output: 30, cacheRead: 0.5 }],
  [/^gpt-5\.4-nano/, { input: 0.2, output: 1.25, cacheRead: 0.02 }],
  [/^gpt-5\.4-mini/, { input: 0.75, output: 4.5, cacheRead: 0.075 }],
  [/^gpt-5\.4/, { input: 2.5, output: 15, cacheRead: 0.25 }],
  [/^gpt-5\.[23](?:-codex)?(?:-|$)/, { input: 1.75, output: 14, cacheRead: 0.175 }],
  [/^gpt-5-mini/, { input: 0.25, output: 2, cacheRead: 0.025 }],
  [/^gpt-5-nano/, { input: 0.05, output: 0.4, cacheRead: 0.005 }],
  [/^gpt-5(?:\.1)?(?:-codex)?(?:-|$)/, { input: 1.25, output: 10, cacheRead: 0.125 }],
  [/^gpt-4\.1-mini/, { input: 0.4, output: 1.6, cacheRead: 0.1 }],
  [/^gpt-4\.1(?:-|$)/, { input: 2, output: 8, cacheRead: 0.5 }],
  [/^o4-mini/, { input: 1.1, output: 4.4, cacheRead: 0.275 }],
  [/^o3(?:-|$)/, { input: 2, output: 8, cacheRead: 0.5 }],
  // Google
  [/^gemini-2\.5-pro/, { input: 1.25, output: 10, cacheRead: 0.125 }],
  [/^gemini-2\.5-flash-lite/, { input: 0.1, output: 0.4, cacheRead: 0.01 }],
  [/^gemini-2\.5-flash/, { input: 0.3, output: 2.5, cacheRead: 0.03 }],
];

export function priceOf(model: string): Price | null {
  const name = model
    .trim()
    .toLowerCase()
    .replace(/^models\//, '');
  for (const [pattern, price] of PRICES) if (pattern.test(name)) return price;
  return null;
}

/** Tokens of one or more model calls, split the way they are billed. */
export type TokenCounts = {
  /** Input tokens neither read from nor written to a prompt cache. */
  input: number;
  cacheRead: number;
  cacheWrite: number;
  /** Output tokens, reasoning ("thinking") tokens included. */
  output: number;
};

export const NO_TOKENS: TokenCounts = { input: 0, cacheRead: 0, cacheWrite: 0, output: 0 };

export function addTokens(a: TokenCounts, b: TokenCounts): TokenCounts {
  return {
    input: a.input + b.input,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite: a.cacheWrite + b.cacheWrite,
    output: a.output + b.output,
  };
}

/** US dollars for `tokens` of `model`; null when the model has no price here. */
export function costOf(model: string, tokens: TokenCounts): number | null {
  const price = priceOf(model);
  if (price === null) return null;
  const perToken = (usdPerMillion: number) => usdPerMillion / 1_000_000;
  return (
    tokens.input * perToken(price.input) +
    tokens.cacheRead * perToken(price.cacheRead ?? price.input) +
    tokens.cacheWrite * perToken(price.cacheWrite ?? price.input) +
    tokens.output * perToken(price.output)
  );
}
