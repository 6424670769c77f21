// Real payloads from @octokit/webhooks-examples, used as the shape of what the simulator sends.
import { createRequire } from 'node:module';

type ExampleSet = { name: string; examples: Array<Record<string, unknown> & { action?: string }> };

let cache: ExampleSet[] | null = null;

function examples(): ExampleSet[] {
  if (!cache) cache = createRequire(import.meta.url)('@octokit/webhooks-examples') as ExampleSet[];
  return cache;
}

/** A deep copy of GitHub's example for `event`/`action`, or of any example of the event, or null. */
export function exampleFor(event: string, action: string | null): Record<string, unknown> | null {
  const set = examples().find((entry) => entry.name === event);
  if (!set) return null;
  const exact = set.examples.find((example) => (example.action ?? null) === action);
  const chosen = exact ?? set.examples[0];
  return chosen ? structuredClone(chosen) : null;
}
