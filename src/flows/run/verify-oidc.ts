// Verifies a GitHub Actions OIDC token and that it belongs to the task's run: signature (JWKS),
// issuer, audience, expiry, then the ids in the claims against the task. Names alone are never
// trusted (they can be recycled); ids are.
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { ActionsClaims } from '../../core/run/check-claims.ts';

export type { ActionsClaims };

export type OidcSettings = { issuer: string; jwksUrl: string; audience: string };

export type TokenCheck = { ok: true; claims: ActionsClaims } | { ok: false; status: 401; reason: string };

export function createOidcVerifier(settings: OidcSettings) {
  const jwks = createRemoteJWKSet(new URL(settings.jwksUrl), {
    cooldownDuration: 10_000,
    cacheMaxAge: 10 * 60_000,
  });
  return async function verifyToken(authorization: string | undefined): Promise<TokenCheck> {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return { ok: false, status: 401, reason: 'missing bearer token' };
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: ['RS256'],
        clockTolerance: 30,
        requiredClaims: ['exp', 'iat', 'repository_id', 'run_id'],
      });
      return { ok: true, claims: payload as ActionsClaims };
    } catch (error) {
      const reason =
        error instanceof errors.JWTExpired
          ? 'token expired'
          : error instanceof errors.JWTClaimValidationFailed
            ? `token claim ${error.claim} is not valid (${error.reason})`
            : error instanceof errors.JWKSNoMatchingKey
              ? 'token signed with an unknown key'
              : error instanceof errors.JOSEAlgNotAllowed
                ? 'token algorithm not allowed'
                : 'token signature or format is not valid';
      return { ok: false, status: 401, reason };
    }
  };
}
