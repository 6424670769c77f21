// The App's own webhook configuration (App JWT) and the manifest conversion (no credentials).
import { appJson } from '../serialize/apps.ts';
import { HttpError, notFound } from '../server/http-error.ts';
import { json, type Route, type RouteContext } from '../server/route.ts';
import { redeemManifestCode } from '../state/manifests.ts';
import type { App } from '../state/types.ts';
import { readBody } from './read-body.ts';

function callingApp(ctx: RouteContext): App {
  if (ctx.principal.kind !== 'app') throw new HttpError(401, 'A JSON web token could not be decoded');
  return ctx.principal.app;
}

function hookConfigJson(app: App) {
  return {
    content_type: 'json',
    insecure_ssl: '0',
    url: app.webhookUrl ?? '',
    ...(app.webhookSecret && { secret: '********' }),
  };
}

export const appHookRoutes: Route[] = [
  {
    method: 'GET',
    path: '/app/hook/config',
    access: { kind: 'app' },
    handle: (ctx) => json(200, hookConfigJson(callingApp(ctx))),
  },
  {
    method: 'PATCH',
    path: '/app/hook/config',
    access: { kind: 'app' },
    handle(ctx) {
      const app = callingApp(ctx);
      const body = readBody(ctx.body, 'Hook');
      const url = body.string('url');
      const secret = body.string('secret');
      body.string('content_type');
      body.string('insecure_ssl');
      body.done();
      if (url !== undefined) app.webhookUrl = url;
      if (secret !== undefined) app.webhookSecret = secret;
      return json(200, hookConfigJson(app));
    },
  },
  {
    method: 'POST',
    path: '/app-manifests/{code}/conversions',
    access: { kind: 'public' },
    handle(ctx) {
      const redeemed = redeemManifestCode(ctx.core, ctx.params.code ?? '');
      if (!redeemed) throw notFound();
      const { app, clientSecret } = redeemed;
      return json(201, {
        ...appJson(ctx.core, app),
        client_secret: clientSecret,
        webhook_secret: app.webhookSecret,
        pem: app.privateKeyPem,
      });
    },
  },
];
