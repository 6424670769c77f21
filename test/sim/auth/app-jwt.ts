// App JWT checks as GitHub makes them: RS256 signed by the App's key, `iss` the App id, `iat` not in
// the future (60 s skew allowed), `exp` present, at most 10 minutes after `iat`, not passed.
import { decodeJwt, jwtVerify } from 'jose';
import { HttpError } from '../server/http-error.ts';
import type { Store } from '../state/store.ts';
import type { App } from '../state/types.ts';

const SKEW_SECONDS = 60;

function jwtError(message: string): HttpError {
  return new HttpError(401, message);
}

export function looksLikeJwt(token: string): boolean {
  return token.split('.').length === 3 && token.startsWith('eyJ');
}

export async function verifyAppJwt(store: Store, token: string, nowMs: number): Promise<App> {
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(token);
  } catch {
    throw jwtError('A JSON web token could not be decoded');
  }
  const app = store.apps.get(Number(claims.iss));
  if (!app) throw jwtError(`Integration not found`);
  const now = Math.floor(nowMs / 1000);
  if (typeof claims.iat !== 'number') {
    throw jwtError(
      "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
    );
  }
  if (claims.iat > now + SKEW_SECONDS) {
    throw jwtError(
      "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
    );
  }
  if (typeof claims.exp !== 'number')
    throw jwtError("'Expiration time' claim ('exp') must be a numeric value");
  if (claims.exp - claims.iat > 600)
    throw jwtError("'Expiration time' claim ('exp') is too far in the future");
  if (claims.exp <= now)
    throw jwtError(
      "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
    );
  try {
    await jwtVerify(token, app.publicKey, {
      algorithms: ['RS256'],
      currentDate: new Date(nowMs),
      clockTolerance: SKEW_SECONDS,
    });
  } catch {
    throw jwtError('A JSON web token could not be decoded');
  }
  return app;
}
