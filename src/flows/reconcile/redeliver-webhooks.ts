// The redelivery reconciler (a cron job, once a minute across all replicas). GitHub never
// redelivers by itself: a webhook the App answered 5xx (its database was down) or never received
// (the App was down) is only in GitHub's delivery log. This lists the App's recent deliveries
// with the App's JWT, finds those that failed and never reached webhook_deliveries, and asks
// GitHub to deliver them again — once each (again only if that redelivery failed too).

import { classifyDelivery } from '../../core/ingest/classify-delivery.ts';
import { type DeliveryAttempt, decideRedeliveries } from '../../core/reconcile/decide-redeliveries.ts';
import { receivedDeliveries } from '../../store/deliveries.ts';
import {
  dbNow,
  previousRequests,
  rememberRedelivery,
  saveScan,
  scanFloor,
} from '../../store/redeliveries.ts';
import type { AppDeps } from '../app-deps.ts';

/** Deliveries listed again on top of the last complete scan: attempts still in flight then. */
const OVERLAP_MS = 10 * 60_000;
const MAX_PAGES = 100;
/** Redeliveries asked for in one run (about a minute of the App's write pacing); the next run goes on. */
const MAX_REQUESTS_PER_RUN = 60;

/** The App acts on a delivery of this event and action (a comment's body is not listed: maybe). */
function wanted(event: string, action: string | null): boolean {
  const maybeCommand = { action, comment: { body: '/agent' } };
  return classifyDelivery(event, maybeCommand) === 'process';
}

export type RedeliveryReport = { listed: number; requested: number; complete: boolean };

type Listed = {
  id: number;
  guid: string;
  status_code: number;
  delivered_at: string;
  event: string;
  action: string | null;
};

async function listAttempts(
  deps: AppDeps,
  floor: Date,
): Promise<{ attempts: DeliveryAttempt[]; complete: boolean }> {
  const octokit = deps.github.app();
  const attempts: DeliveryAttempt[] = [];
  let pages = 0;
  for await (const page of octokit.paginate.iterator('GET /app/hook/deliveries', { per_page: 100 })) {
    pages++;
    let reachedFloor = false;
    for (const item of page.data as Listed[]) {
      const deliveredAt = new Date(item.delivered_at);
      if (deliveredAt < floor) {
        reachedFloor = true;
        continue;
      }
      attempts.push({
        id: item.id,
        guid: item.guid,
        statusCode: item.status_code,
        deliveredAt,
        event: item.event,
        action: item.action ?? null,
      });
    }
    if (reachedFloor) return { attempts, complete: true };
    if (pages >= MAX_PAGES) return { attempts, complete: false };
  }
  return { attempts, complete: true };
}

export async function redeliverWebhooks(deps: AppDeps): Promise<RedeliveryReport> {
  const { pool, log } = deps;
  const startedAt = await dbNow(pool);
  const floor = await scanFloor(pool, deps.config.reliability.redelivery.windowHours, OVERLAP_MS);
  const { attempts, complete } = await listAttempts(deps, floor);
  const failedGuids = [
    ...new Set(attempts.filter((a) => a.statusCode < 200 || a.statusCode >= 300).map((a) => a.guid)),
  ];
  const decided = decideRedeliveries({
    attempts,
    received: await receivedDeliveries(pool, failedGuids),
    previous: await previousRequests(pool, failedGuids),
    wanted,
  });
  const octokit = deps.github.app();
  let requested = 0;
  // The rest waits for the next run (it is not in webhook_redeliveries, so it is decided again).
  const batch = decided.slice(0, MAX_REQUESTS_PER_RUN);
  for (const redelivery of batch) {
    try {
      await octokit.request('POST /app/hook/deliveries/{delivery_id}/attempts', {
        delivery_id: redelivery.attemptId,
      });
    } catch (error) {
      const status = (error as { status?: number }).status;
      // Gone from GitHub's log (too old), or refused: remember it, so it is not asked for forever.
      if (status !== 404 && status !== 422) throw error;
      log.warn({ guid: redelivery.guid, status }, 'GitHub refused a redelivery');
    }
    await rememberRedelivery(pool, redelivery);
    requested++;
    log.info({ guid: redelivery.guid, event: redelivery.event }, 'asked GitHub to redeliver a lost webhook');
  }
  // Deliveries left for the next run are older than this scan: keep the floor where it was.
  if (complete && batch.length === decided.length) {
    await saveScan(pool, startedAt);
  } else {
    log.warn(
      { listed: attempts.length, lost: decided.length, asked: batch.length },
      'more to reconcile than one run does; the next run goes on',
    );
  }
  return { listed: attempts.length, requested, complete };
}
