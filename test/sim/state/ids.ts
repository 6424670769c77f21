// Id sequences per kind (each kind starts in its own range, as GitHub's ids look unrelated) and node ids.
import { randomUUID } from 'node:crypto';

const bases = {
  user: 1_000,
  app: 100,
  installation: 40_000,
  repo: 700_000,
  issue: 2_000_000,
  comment: 3_000_000,
  review: 4_000_000,
  reviewComment: 5_000_000,
  reaction: 6_000_000,
  label: 7_000_000,
  check: 8_000_000,
  checkSuite: 8_500_000,
  environment: 9_000_000,
  rule: 9_500_000,
  workflow: 10_000_000,
  run: 20_000_000,
  job: 30_000_000,
  deployment: 40_000_000,
  delivery: 50_000_000_000,
  hook: 500_000,
} as const;

export type IdKind = keyof typeof bases;

export type IdSequence = { next(kind: IdKind): number };

export function createIdSequence(): IdSequence {
  const counters = new Map<IdKind, number>();
  return {
    next(kind) {
      const value = (counters.get(kind) ?? bases[kind]) + 1;
      counters.set(kind, value);
      return value;
    },
  };
}

/** A node id in GitHub's legacy format: base64 of `0<len>:<Type><id>`. */
export function nodeId(type: string, id: number): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString('base64');
}

export function guid(): string {
  return randomUUID();
}

export function isoNow(now = Date.now()): string {
  return new Date(Math.floor(now / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
