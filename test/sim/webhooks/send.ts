// Signs and sends webhook deliveries to each subscribed App, records the outcome, and redelivers.
import type { Clock, SimCore } from '../core.ts';
import { guid, isoNow } from '../state/ids.ts';
import { installationForRepo, mustAccount } from '../state/store.ts';
import type { Account, App, Installation, Repo } from '../state/types.ts';
import type { DeliveryRecord } from './delivery-log.ts';
import { serializeForWebhook } from './payload-common.ts';
import { signSha1, signSha256 } from './sign.ts';

/** Delivered to every App whatever its subscriptions, as GitHub does. */
const alwaysDelivered = new Set(['installation', 'installation_repositories', 'github_app_authorization']);

export type EmitSpec = {
  event: string;
  action: string | null;
  repo: Repo | null;
  sender: Account;
  /** For installation events: the one installation concerned (otherwise: the App's installation on `repo`). */
  installation?: Installation;
  /** Only this App (e.g. the App named by a deployment protection rule). */
  onlyAppId?: number;
  /** Event-specific fields; repository, sender and installation are added. */
  build(target: {
    app: App;
    installation: Installation;
  }): Record<string, unknown> | Promise<Record<string, unknown>>;
};

export type RawDelivery = {
  appId: number;
  event: string;
  body: string | Buffer;
  headers?: Record<string, string>;
  signature?: 'sha256' | 'sha1' | 'both' | 'none';
  secret?: string;
};

export type WebhookSender = {
  deliveries: DeliveryRecord[];
  emit(spec: EmitSpec): Promise<DeliveryRecord[]>;
  redeliver(id: number): Promise<DeliveryRecord>;
  deliverRaw(raw: RawDelivery): Promise<{ status: number; body: string }>;
  setReachable(appId: number, reachable: boolean): void;
};

type Attempt = { status: number; body: string; headers: Record<string, string> } | { error: string };

async function post(
  url: string,
  body: string | Buffer,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<Attempt> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { status: response.status, body: text, headers: Object.fromEntries(response.headers) };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    return { error: name === 'TimeoutError' ? 'timed out' : 'failed to connect to host' };
  }
}

function headersFor(
  core: SimCore,
  app: App,
  event: string,
  deliveryGuid: string,
  body: string,
): Record<string, string> {
  const headers: Record<string, string> = {
    accept: '*/*',
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/sim',
    'x-github-delivery': deliveryGuid,
    'x-github-event': event,
    'x-github-hook-id': String(app.hookId),
    'x-github-hook-installation-target-id': String(app.id),
    'x-github-hook-installation-target-type': 'integration',
    ...(core.enterprise && {
      'x-github-enterprise-version': core.enterprise.version,
      'x-github-enterprise-host': new URL(core.url).host,
    }),
  };
  if (app.webhookSecret) {
    headers['x-hub-signature'] = signSha1(app.webhookSecret, body);
    headers['x-hub-signature-256'] = signSha256(app.webhookSecret, body);
  }
  return headers;
}

export function createWebhookSender(core: () => SimCore, clock: Clock, timeoutMs: number): WebhookSender {
  const unreachable = new Set<number>();
  const deliveries: DeliveryRecord[] = [];

  async function attempt(app: App, record: DeliveryRecord): Promise<DeliveryRecord> {
    const started = performance.now();
    const result: Attempt =
      !app.webhookUrl || unreachable.has(app.id)
        ? { error: 'failed to connect to host' }
        : await post(app.webhookUrl, record.request.body, record.request.headers, timeoutMs);
    record.durationSeconds = Math.round((performance.now() - started) * 1000) / 1_000_000;
    if ('error' in result) {
      record.status = result.error;
      record.statusCode = 0;
      record.response = { headers: {}, payload: null };
    } else {
      record.status =
        result.status >= 200 && result.status < 300 ? 'OK' : `Invalid HTTP Response: ${result.status}`;
      record.statusCode = result.status;
      record.response = { headers: result.headers, payload: result.body };
    }
    return record;
  }

  function deliver(
    app: App,
    installation: Installation | null,
    spec: Pick<EmitSpec, 'event' | 'action'>,
    payload: Record<string, unknown>,
    repoId: number | null,
    previous?: DeliveryRecord,
  ) {
    const body = JSON.stringify(payload);
    const deliveryGuid = previous?.guid ?? guid();
    const record: DeliveryRecord = {
      id: core().store.ids.next('delivery'),
      guid: deliveryGuid,
      appId: app.id,
      hookId: app.hookId,
      event: spec.event,
      action: spec.action,
      installationId: installation?.id ?? null,
      repositoryId: repoId,
      deliveredAt: isoNow(clock.now()),
      redelivery: previous !== undefined,
      durationSeconds: 0,
      status: 'pending',
      statusCode: 0,
      url: app.webhookUrl ?? '',
      request: { headers: headersFor(core(), app, spec.event, deliveryGuid, body), payload, body },
      response: { headers: {}, payload: null },
    };
    deliveries.push(record);
    return core().work.track(attempt(app, record));
  }

  return {
    deliveries,
    emit(spec) {
      const sim = core();
      const sends: Promise<DeliveryRecord>[] = [];
      for (const app of sim.store.apps.values()) {
        if (spec.onlyAppId !== undefined && app.id !== spec.onlyAppId) continue;
        if (!app.webhookUrl) continue;
        if (!alwaysDelivered.has(spec.event) && !app.events.includes(spec.event)) continue;
        const installation =
          spec.installation && spec.installation.appId === app.id
            ? spec.installation
            : spec.repo && !spec.installation
              ? installationForRepo(sim.store, app.id, spec.repo)
              : undefined;
        if (!installation) continue;
        const target = { app, installation };
        sends.push(
          serializeForWebhook(sim, spec, target).then((payload) =>
            deliver(app, installation, spec, payload, spec.repo?.id ?? null),
          ),
        );
      }
      return sim.work.track(Promise.all(sends));
    },
    async redeliver(id) {
      const sim = core();
      const previous = deliveries.find((record) => record.id === id);
      if (!previous) throw new Error(`simulator: no delivery ${id}`);
      const app = sim.store.apps.get(previous.appId);
      if (!app) throw new Error(`simulator: no app ${previous.appId}`);
      const installation =
        previous.installationId === null
          ? null
          : (sim.store.installations.get(previous.installationId) ?? null);
      return deliver(app, installation, previous, previous.request.payload, previous.repositoryId, previous);
    },
    async deliverRaw(raw) {
      const sim = core();
      const app = sim.store.apps.get(raw.appId);
      if (!app?.webhookUrl) throw new Error('simulator: deliverRaw needs an App with a webhook URL');
      const secret = raw.secret ?? app.webhookSecret ?? '';
      const mode = raw.signature ?? 'both';
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'GitHub-Hookshot/sim',
        'x-github-delivery': guid(),
        'x-github-event': raw.event,
        'x-github-hook-id': String(app.hookId),
        'x-github-hook-installation-target-id': String(app.id),
        'x-github-hook-installation-target-type': 'integration',
      };
      if (mode === 'sha1' || mode === 'both') headers['x-hub-signature'] = signSha1(secret, raw.body);
      if (mode === 'sha256' || mode === 'both') headers['x-hub-signature-256'] = signSha256(secret, raw.body);
      const result = await post(app.webhookUrl, raw.body, { ...headers, ...raw.headers }, timeoutMs);
      return 'error' in result
        ? { status: 0, body: result.error }
        : { status: result.status, body: result.body };
    },
    setReachable(appId, reachable) {
      if (reachable) unreachable.delete(appId);
      else unreachable.add(appId);
    },
  };
}

export function senderOf(sim: SimCore, userId: number): Account {
  return mustAccount(sim.store, userId);
}
