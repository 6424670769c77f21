// Which of GitHub's recorded webhook deliveries to ask for again. Pure: the reconciler lists the
// App's deliveries (GET /app/hook/deliveries), looks up what Postgres received and what it
// already asked for, and this decides.

/** One delivery attempt as GitHub lists it; redeliveries share the GUID and get a new id. */
export type DeliveryAttempt = {
  id: number;
  guid: string;
  statusCode: number;
  deliveredAt: Date;
  event: string;
  action: string | null;
};

export type PreviousRequest = { lastAttemptId: number; requests: number };

export type Redelivery = { guid: string; attemptId: number; event: string };

/** At most this many requests per delivery: again only when the previous redelivery failed too. */
export const MAX_REDELIVERY_REQUESTS = 3;

const succeeded = (attempt: DeliveryAttempt) => attempt.statusCode >= 200 && attempt.statusCode < 300;

export function decideRedeliveries(input: {
  attempts: DeliveryAttempt[];
  /** GUIDs recorded in webhook_deliveries: they arrived, whatever GitHub says. */
  received: ReadonlySet<string>;
  previous: ReadonlyMap<string, PreviousRequest>;
  /** Whether the App would act on this event at all (a lost delivery it ignores is not worth asking for). */
  wanted: (event: string, action: string | null) => boolean;
}): Redelivery[] {
  const byGuid = new Map<string, DeliveryAttempt[]>();
  for (const attempt of input.attempts) {
    const list = byGuid.get(attempt.guid) ?? [];
    list.push(attempt);
    byGuid.set(attempt.guid, list);
  }
  const decided: Redelivery[] = [];
  for (const [guid, attempts] of byGuid) {
    if (input.received.has(guid) || attempts.some(succeeded)) continue;
    const latest = attempts.reduce((a, b) => (b.id > a.id ? b : a));
    if (!input.wanted(latest.event, latest.action)) continue;
    const previous = input.previous.get(guid);
    // Asked before: only if that redelivery has been made and failed as well, a bounded number of times.
    if (previous && (previous.requests >= MAX_REDELIVERY_REQUESTS || latest.id <= previous.lastAttemptId))
      continue;
    decided.push({ guid, attemptId: latest.id, event: latest.event });
  }
  // Oldest first: events reach the App in the order they happened, as far as possible.
  return decided.sort((a, b) => a.attemptId - b.attemptId);
}
