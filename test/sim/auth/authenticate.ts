// Turns the Authorization header into a principal, or answers 401 like GitHub.
import type { SimCore } from '../core.ts';
import { badCredentials } from '../server/http-error.ts';
import { looksLikeJwt, verifyAppJwt } from './app-jwt.ts';
import type { Principal } from './principal.ts';

export function credentialFrom(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}

export async function authenticate(core: SimCore, header: string | undefined): Promise<Principal> {
  const credential = credentialFrom(header);
  if (credential === null) return { kind: 'anonymous' };
  if (looksLikeJwt(credential))
    return { kind: 'app', app: await verifyAppJwt(core.store, credential, core.clock.now()) };
  const record = core.tokens.get(credential);
  if (!record) throw badCredentials();
  if (record.kind === 'user') {
    const user = core.store.accounts.get(record.userId);
    if (!user) throw badCredentials();
    return { kind: 'user', user, appId: record.appId };
  }
  if (record.expiresAt <= core.clock.now()) throw badCredentials();
  if (record.kind === 'job') return { kind: 'job', token: record };
  const installation = core.store.installations.get(record.installationId);
  const app = installation && core.store.apps.get(installation.appId);
  if (!installation || !app) throw badCredentials();
  return { kind: 'installation', token: record, installation, app };
}
