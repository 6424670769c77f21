// Who is calling: nobody, an App (JWT), an installation token, an Actions job token, or a user token.
import type { Account, App, Installation, Permissions } from '../state/types.ts';

export type InstallationToken = {
  kind: 'installation';
  token: string;
  installationId: number;
  appId: number;
  /** null: every repository the installation covers (now or later). */
  repositoryIds: number[] | null;
  permissions: Permissions;
  expiresAt: number;
};

export type JobToken = {
  kind: 'job';
  token: string;
  runId: number;
  jobId: number;
  repoId: number;
  permissions: Permissions;
  expiresAt: number;
};

/** A user's token: a personal one (`appId` null), or a user access token of an App's web flow. */
export type UserToken = { kind: 'user'; token: string; userId: number; appId: number | null };

export type TokenRecord = InstallationToken | JobToken | UserToken;

export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'app'; app: App }
  | { kind: 'installation'; token: InstallationToken; installation: Installation; app: App }
  | { kind: 'job'; token: JobToken }
  | { kind: 'user'; user: Account; appId: number | null };

/** The budget key for rate limits: per installation, App, job, user. */
export function rateKey(principal: Principal, remote: string): string {
  switch (principal.kind) {
    case 'anonymous':
      return `anonymous:${remote}`;
    case 'app':
      return `app:${principal.app.id}`;
    case 'installation':
      return `installation:${principal.installation.id}`;
    case 'job':
      return `job:${principal.token.runId}`;
    case 'user':
      return `user:${principal.user.id}`;
  }
}

export type PrincipalSummary = {
  kind: Principal['kind'];
  appId?: number;
  installationId?: number;
  login?: string;
};

export function summarize(principal: Principal): PrincipalSummary {
  switch (principal.kind) {
    case 'anonymous':
      return { kind: 'anonymous' };
    case 'app':
      return { kind: 'app', appId: principal.app.id };
    case 'installation':
      return { kind: 'installation', appId: principal.app.id, installationId: principal.installation.id };
    case 'job':
      return { kind: 'job' };
    case 'user':
      return { kind: 'user', login: principal.user.login };
  }
}
