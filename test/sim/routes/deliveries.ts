// The App's webhook delivery log: list (newest first, cursor pagination), get, redeliver.
import { HttpError, notFound } from '../server/http-error.ts';
import { json, type Route, type RouteContext } from '../server/route.ts';
import type { DeliveryRecord } from '../webhooks/delivery-log.ts';
import { deliveryItemJson, deliveryJson } from '../webhooks/delivery-log.ts';
import { intParam } from './read-body.ts';

function appId(ctx: RouteContext): number {
  if (ctx.principal.kind !== 'app') throw new HttpError(401, 'A JSON web token could not be decoded');
  return ctx.principal.app.id;
}

function ownDelivery(ctx: RouteContext): DeliveryRecord {
  const id = intParam(ctx.params.delivery_id);
  const record = ctx.core.webhooks.deliveries.find((d) => d.id === id && d.appId === appId(ctx));
  if (!record) throw notFound();
  return record;
}

export const deliveryRoutes: Route[] = [
  {
    method: 'GET',
    path: '/app/hook/deliveries',
    access: { kind: 'app' },
    handle(ctx) {
      const mine = ctx.core.webhooks.deliveries.filter(
        (d) => d.appId === appId(ctx) && d.status !== 'pending',
      );
      const newestFirst = [...mine].sort((a, b) => b.id - a.id);
      const perPage = Math.min(
        100,
        Math.max(1, Number.parseInt(ctx.query.get('per_page') ?? '30', 10) || 30),
      );
      const cursor = ctx.query.get('cursor');
      const after = cursor
        ? Number(Buffer.from(cursor, 'base64url').toString('utf8'))
        : Number.POSITIVE_INFINITY;
      const rest = newestFirst.filter((d) => d.id < after);
      const items = rest.slice(0, perPage);
      const headers: Record<string, string> = {};
      const last = items[items.length - 1];
      if (last && rest.length > perPage) {
        const next = Buffer.from(String(last.id)).toString('base64url');
        headers.link = `<${ctx.core.apiUrl}/app/hook/deliveries?per_page=${perPage}&cursor=${next}>; rel="next"`;
      }
      return json(200, items.map(deliveryItemJson), headers);
    },
  },
  {
    method: 'GET',
    path: '/app/hook/deliveries/{delivery_id}',
    access: { kind: 'app' },
    handle: (ctx) => json(200, deliveryJson(ownDelivery(ctx))),
  },
  {
    method: 'POST',
    path: '/app/hook/deliveries/{delivery_id}/attempts',
    access: { kind: 'app' },
    handle(ctx) {
      const record = ownDelivery(ctx);
      void ctx.core.webhooks.redeliver(record.id);
      return json(202, {});
    },
  },
];
