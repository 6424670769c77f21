// Every request the simulator answered, in order, with the route it matched and who made it.
import type { PrincipalSummary } from '../auth/principal.ts';

export type RequestRecord = {
  id: number;
  method: string;
  path: string;
  /** GitHub's path template of the matched route, or null when no route matched. */
  route: string | null;
  status: number;
  principal: PrincipalSummary | null;
  at: string;
  durationMs: number;
  fault: string | null;
  /** Matched no route, or was malformed (bad JSON, a body that does not fit the operation). */
  unexpected: boolean;
  reason: string | null;
};

export type RequestLog = {
  records: RequestRecord[];
  add(record: Omit<RequestRecord, 'id'>): RequestRecord;
  unexpected(): RequestRecord[];
  clear(): void;
};

export function createRequestLog(): RequestLog {
  let next = 1;
  const log: RequestLog = {
    records: [],
    add(record) {
      const full = { id: next++, ...record };
      log.records.push(full);
      return full;
    },
    unexpected: () => log.records.filter((record) => record.unexpected),
    clear() {
      log.records.length = 0;
    },
  };
  return log;
}
