// Token registry: installation tokens (1 hour), Actions job tokens (until the job ends) and user tokens.
import { randomBytes } from 'node:crypto';
import type { InstallationToken, JobToken, TokenRecord, UserToken } from './principal.ts';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function tokenString(prefix: 'ghs_' | 'ghu_'): string {
  const bytes = randomBytes(36);
  let out = prefix;
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

export type TokenRegistry = {
  get(token: string): TokenRecord | undefined;
  issueInstallation(fields: Omit<InstallationToken, 'kind' | 'token'>): InstallationToken;
  issueJob(fields: Omit<JobToken, 'kind' | 'token'>): JobToken;
  userToken(userId: number): UserToken;
  /** A user access token of an App (the OAuth web flow's answer). */
  issueUserAccess(userId: number, appId: number): UserToken;
  revoke(token: string): void;
};

export function createTokenRegistry(): TokenRegistry {
  const tokens = new Map<string, TokenRecord>();
  const userTokens = new Map<number, UserToken>();
  return {
    get: (token) => tokens.get(token),
    issueInstallation(fields) {
      const record: InstallationToken = { kind: 'installation', token: tokenString('ghs_'), ...fields };
      tokens.set(record.token, record);
      return record;
    },
    issueJob(fields) {
      const record: JobToken = { kind: 'job', token: tokenString('ghs_'), ...fields };
      tokens.set(record.token, record);
      return record;
    },
    userToken(userId) {
      const existing = userTokens.get(userId);
      if (existing) return existing;
      const record: UserToken = { kind: 'user', token: tokenString('ghu_'), userId, appId: null };
      tokens.set(record.token, record);
      userTokens.set(userId, record);
      return record;
    },
    issueUserAccess(userId, appId) {
      const record: UserToken = { kind: 'user', token: tokenString('ghu_'), userId, appId };
      tokens.set(record.token, record);
      return record;
    },
    revoke(token) {
      tokens.delete(token);
    },
  };
}
