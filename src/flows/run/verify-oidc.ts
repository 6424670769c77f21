// Verifies a GitHub Actions OIDC token and that it belongs to the task's run: signature (JWKS),
// issuer, audience, expiry, then the ids in the claims against the task. Names alone are never
// trusted (they can be recycled); ids are.
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import type { Task } from '../../core/task/task.ts';

export type OidcSettings = { issuer: string; jwksUrl: string; audience: string };

export type ActionsClaims = JWTPayload & {
  repository?: string;
  repository_id?: string;
  run_id?: string;
  run_attempt?: string;
  event_name?: string;
  workflow_ref?: string;
  ref?: string;
  sha?: string;
  environment?: string;
};

export type TokenCheck = { ok: true; claims: ActionsClaims } | { ok: false; status: 401; reason: string };
export type TaskCheck = { ok: true } | { ok: false; status: 403 | 425; reason: string };

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

/** Do the token's claims name this task's repository, run and workflow? */
export function checkClaimsForTask(claims: ActionsClaims, task: Task): TaskCheck {
  if (claims.repository_id !== String(task.repoId)) {
    return { ok: false, status: 403, reason: 'the token is for another repository' };
  }
  if (task.workflowRunId === null) {
    return { ok: false, status: 425, reason: 'the task has no run recorded yet; retry shortly' };
  }
  if (claims.run_id !== String(task.workflowRunId)) {
    return { ok: false, status: 403, reason: 'the token is for another workflow run' };
  }
  if (claims.event_name !== undefined && claims.event_name !== 'workflow_dispatch') {
    return { ok: false, status: 403, reason: 'the token is not from a workflow_dispatch run' };
  }
  const workflow = task.workflowFile ?? task.settings.workflow;
  const expected = `${task.repoOwner}/${task.repoName}/.github/workflows/${workflow}@`;
  if (
    claims.workflow_ref !== undefined &&
    !claims.workflow_ref.toLowerCase().startsWith(expected.toLowerCase())
  ) {
    return { ok: false, status: 403, reason: "the token is from another workflow than the task's" };
  }
  return { ok: true };
}
