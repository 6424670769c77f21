// Genuine webhooks the App never receives, for tests that replay or forge them: while `act` runs,
// the App's webhook URL points at a receiver that answers 200, as a host other than the App
// would. GitHub's delivery log records those deliveries as delivered, so the App's redelivery
// reconciler (a cron job, every minute) never asks for them again — unlike a delivery made
// while the App was unreachable, which it would redeliver at the next minute boundary, in the
// middle of whatever the test does next.
import type { Simulator } from '../sim/index.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../sim/tests/support/webhook-receiver.ts';

/**
 * Runs `act` with the App's webhooks delivered to a receiver instead of the App (it checks their
 * signature with the App's secret: `verified`); the App's webhook URL is restored afterwards.
 * `act` must wait until the deliveries it expects arrived (`receiver.received`): a delivery sent
 * after it returns goes to the App.
 */
export async function divertWebhooks<T>(
  sim: Simulator,
  slug: string,
  act: (receiver: WebhookReceiver) => Promise<T>,
): Promise<T> {
  const app = [...sim.core.store.apps.values()].find((candidate) => candidate.slug === slug);
  if (!app) throw new Error(`no App ${slug} in the simulator`);
  const original = app.webhookUrl;
  const receiver = await startWebhookReceiver(app.webhookSecret ?? '');
  sim.setWebhook(slug, { url: receiver.url });
  try {
    return await act(receiver);
  } finally {
    sim.setWebhook(slug, { url: original ?? null });
    await receiver.close();
  }
}
