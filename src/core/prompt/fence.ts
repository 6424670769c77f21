// A fenced block of text the model is told to treat as data: its fence is longer than any run of
// backticks inside, so the text cannot close it. Pure.
export function fence(label: string, text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}untrusted-${label}\n${text}\n${ticks}`;
}
