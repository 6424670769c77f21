// The App's settings, read once from the environment and validated with zod. Every problem is
// reported at once, each with what to do about it.
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ReliabilityConfig } from './reliability-config.ts';
import { type WebConfig, webConfigFrom, webEnvShape } from './web-config.ts';

export type Env = Record<string, string | undefined>;

/** Where the embedded server keeps its data unless EMBEDDED_POSTGRES_DIR says otherwise. */
export const DEFAULT_EMBEDDED_POSTGRES_DIR = '.data/postgres';

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export type GitHubAppCredentials = { appId: number; privateKey: string; webhookSecret: string };

export type AppConfig = {
  /** `setup` when no App credentials are configured yet: serve Probot's registration flow. */
  mode: 'app' | 'setup';
  github: GitHubAppCredentials | undefined;
  githubApiUrl: string;
  databaseUrl: string | undefined;
  embeddedPostgres: { dir: string; port: number };
  publicUrl: string;
  host: string;
  port: number;
  webhookPath: string;
  webhookMaxBytes: number;
  logLevel: (typeof LOG_LEVELS)[number];
  logFormat: 'json' | 'pretty';
  workerConcurrency: number;
  oidc: { issuer: string; jwksUrl: string };
  shutdownTimeoutMs: number;
  /** Write pacing across replicas, the sweeper, retention, redelivery (docs/reliability.md). */
  reliability: ReliabilityConfig;
  /** Sign-in, the REST API, transcripts and metrics (docs/api.md). */
  web: WebConfig;
};

export type ConfigProblem = { variable: string; message: string };
export type ConfigResult = { ok: true; config: AppConfig } | { ok: false; problems: ConfigProblem[] };

const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;
const optionalText = z.preprocess(blankToUndefined, z.string().optional());

function integer(name: string, fallback: number, min: number, max: number) {
  return z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: `${name} must be a whole number` })
      .int({ error: `${name} must be a whole number` })
      .min(min, { error: `${name} must be at least ${min}` })
      .max(max, { error: `${name} must be at most ${max}` })
      .default(fallback),
  );
}

const httpUrl = (name: string) =>
  z.url({ protocol: /^https?$/, error: `${name} must be an http(s) URL, e.g. https://example.com` });
const url = (name: string, fallback: string) =>
  z.preprocess(blankToUndefined, httpUrl(name).default(fallback));
const optionalUrl = (name: string) => z.preprocess(blankToUndefined, httpUrl(name).optional());

const schema = z.object({
  APP_ID: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'must be the numeric App ID shown on your GitHub App settings page' })
      .int({ error: 'must be the numeric App ID shown on your GitHub App settings page' })
      .positive({ error: 'must be the numeric App ID shown on your GitHub App settings page' })
      .optional(),
  ),
  PRIVATE_KEY: optionalText,
  PRIVATE_KEY_PATH: optionalText,
  WEBHOOK_SECRET: optionalText,
  DATABASE_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, { error: 'must be a postgres:// connection string' })
      .optional(),
  ),
  EMBEDDED_POSTGRES_DIR: z.preprocess(blankToUndefined, z.string().default(DEFAULT_EMBEDDED_POSTGRES_DIR)),
  EMBEDDED_POSTGRES_PORT: integer('EMBEDDED_POSTGRES_PORT', 0, 0, 65535),
  GITHUB_API_URL: url('GITHUB_API_URL', 'https://api.github.com'),
  PUBLIC_URL: optionalUrl('PUBLIC_URL'),
  HOST: z.preprocess(blankToUndefined, z.string().default('127.0.0.1')),
  PORT: integer('PORT', 3000, 0, 65535),
  WEBHOOK_PATH: z.preprocess(
    blankToUndefined,
    z.string().startsWith('/', { error: 'must start with /' }).default('/api/github/webhooks'),
  ),
  WEBHOOK_MAX_BYTES: integer('WEBHOOK_MAX_BYTES', 2 * 1024 * 1024, 1024, 25 * 1024 * 1024),
  LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  ),
  LOG_FORMAT: z.preprocess(
    blankToUndefined,
    z.enum(['json', 'pretty'], { error: 'must be json or pretty' }).optional(),
  ),
  WORKER_CONCURRENCY: integer('WORKER_CONCURRENCY', 4, 1, 100),
  OIDC_ISSUER: url('OIDC_ISSUER', 'https://token.actions.githubusercontent.com'),
  OIDC_JWKS_URL: optionalUrl('OIDC_JWKS_URL'),
  SHUTDOWN_TIMEOUT_MS: integer('SHUTDOWN_TIMEOUT_MS', 25_000, 1_000, 600_000),
  GITHUB_WRITES_PER_MINUTE: integer('GITHUB_WRITES_PER_MINUTE', 60, 1, 100_000),
  GITHUB_WRITE_BURST: integer('GITHUB_WRITE_BURST', 10, 1, 1_000),
  GITHUB_WRITES_PER_HOUR: integer('GITHUB_WRITES_PER_HOUR', 450, 5, 10_000_000),
  SWEEP_QUEUED_AFTER_SECONDS: integer('SWEEP_QUEUED_AFTER_SECONDS', 120, 0, 86_400),
  SWEEP_DISPATCHED_AFTER_SECONDS: integer('SWEEP_DISPATCHED_AFTER_SECONDS', 600, 0, 86_400),
  SWEEP_WAITING_AFTER_SECONDS: integer('SWEEP_WAITING_AFTER_SECONDS', 1800, 0, 604_800),
  SWEEP_RUNNING_AFTER_SECONDS: integer('SWEEP_RUNNING_AFTER_SECONDS', 900, 0, 604_800),
  SWEEP_PUBLISHING_AFTER_SECONDS: integer('SWEEP_PUBLISHING_AFTER_SECONDS', 300, 0, 86_400),
  SWEEP_LOST_RUN: z.preprocess(
    blankToUndefined,
    z.enum(['fail', 'redispatch'], { error: 'must be fail or redispatch' }).default('fail'),
  ),
  DELIVERY_PAYLOAD_RETENTION_DAYS: integer('DELIVERY_PAYLOAD_RETENTION_DAYS', 7, 1, 3650),
  RECORD_RETENTION_DAYS: integer('RECORD_RETENTION_DAYS', 30, 4, 3650),
  REDELIVERY_WINDOW_HOURS: integer('REDELIVERY_WINDOW_HOURS', 72, 1, 72),
  WORKER_STALE_AFTER_SECONDS: integer('WORKER_STALE_AFTER_SECONDS', 30, 5, 3600),
  NODE_ENV: optionalText,
  ...webEnvShape(integer),
});

type ReadFile = (path: string) => string;

/** Accepts a PEM as is, with literal `\n` escapes, or base64-encoded (as Probot does). */
function normalisePem(value: string): string {
  const text = value.trim();
  if (text.includes('-----BEGIN')) return text.replace(/\\n/g, '\n').trim();
  const decoded = Buffer.from(text, 'base64').toString('utf8');
  return decoded.includes('-----BEGIN') ? decoded.trim() : text;
}

function checkPrivateKey(pem: string): string | undefined {
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'rsa') return `is a ${key.asymmetricKeyType} key; GitHub App keys are RSA`;
    return undefined;
  } catch {
    return 'is not a valid PEM private key';
  }
}

const KEY_HINT = 'paste the .pem file GitHub generated for the App (or set PRIVATE_KEY_PATH to its path)';

export function readConfig(
  env: Env = process.env,
  readFile: ReadFile = (p) => readFileSync(p, 'utf8'),
): ConfigResult {
  const parsed = schema.safeParse(env);
  const problems: ConfigProblem[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(environment)'),
        message: issue.message,
      }));
  const credentials = checkCredentials(env, readFile, problems);
  const web = parsed.success ? webConfigFrom(parsed.data, problems) : undefined;
  if (!parsed.success || !web || problems.length > 0) return { ok: false, problems: sortProblems(problems) };
  const e = parsed.data;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const issuer = e.OIDC_ISSUER.replace(/\/+$/, '');
  return {
    ok: true,
    config: {
      mode: credentials ? 'app' : 'setup',
      github: credentials,
      githubApiUrl: e.GITHUB_API_URL.replace(/\/+$/, ''),
      databaseUrl: e.DATABASE_URL,
      embeddedPostgres: { dir: e.EMBEDDED_POSTGRES_DIR, port: e.EMBEDDED_POSTGRES_PORT },
      publicUrl,
      host: e.HOST,
      port: e.PORT,
      webhookPath: e.WEBHOOK_PATH,
      webhookMaxBytes: e.WEBHOOK_MAX_BYTES,
      logLevel: e.LOG_LEVEL,
      logFormat: e.LOG_FORMAT ?? (e.NODE_ENV === 'production' ? 'json' : 'pretty'),
      workerConcurrency: e.WORKER_CONCURRENCY,
      oidc: { issuer, jwksUrl: e.OIDC_JWKS_URL ?? `${issuer}/.well-known/jwks` },
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
      reliability: {
        githubWrites: {
          perMinute: e.GITHUB_WRITES_PER_MINUTE,
          burst: e.GITHUB_WRITE_BURST,
          perHour: e.GITHUB_WRITES_PER_HOUR,
        },
        sweep: {
          queuedAfterMs: e.SWEEP_QUEUED_AFTER_SECONDS * 1000,
          dispatchedAfterMs: e.SWEEP_DISPATCHED_AFTER_SECONDS * 1000,
          waitingAfterMs: e.SWEEP_WAITING_AFTER_SECONDS * 1000,
          runningAfterMs: e.SWEEP_RUNNING_AFTER_SECONDS * 1000,
          publishingAfterMs: e.SWEEP_PUBLISHING_AFTER_SECONDS * 1000,
          lostRun: e.SWEEP_LOST_RUN,
        },
        retention: {
          deliveryPayloadDays: e.DELIVERY_PAYLOAD_RETENTION_DAYS,
          recordDays: e.RECORD_RETENTION_DAYS,
        },
        redelivery: { windowHours: e.REDELIVERY_WINDOW_HOURS },
        workerStaleAfterMs: e.WORKER_STALE_AFTER_SECONDS * 1000,
      },
      web,
    },
  };
}

/**
 * App ID, private key and webhook secret come together: none of them means setup mode (not
 * allowed in production), some of them is a mistake worth naming.
 */
function checkCredentials(
  env: Env,
  readFile: ReadFile,
  problems: ConfigProblem[],
): GitHubAppCredentials | undefined {
  const text = (name: string) => blankToUndefined(env[name]) as string | undefined;
  const appId = text('APP_ID');
  const keyText = text('PRIVATE_KEY');
  const keyPath = text('PRIVATE_KEY_PATH');
  const secret = text('WEBHOOK_SECRET');
  const production = text('NODE_ENV') === 'production';
  if (!appId && !keyText && !keyPath && !secret && !production) return undefined;

  let privateKey: string | undefined;
  if (keyText && keyPath) {
    problems.push({
      variable: 'PRIVATE_KEY_PATH',
      message: 'set either PRIVATE_KEY or PRIVATE_KEY_PATH, not both',
    });
  } else if (keyText) {
    privateKey = normalisePem(keyText);
    const problem = checkPrivateKey(privateKey);
    if (problem) problems.push({ variable: 'PRIVATE_KEY', message: `${problem}; ${KEY_HINT}` });
  } else if (keyPath) {
    try {
      privateKey = normalisePem(readFile(keyPath));
      const problem = checkPrivateKey(privateKey);
      if (problem) problems.push({ variable: 'PRIVATE_KEY_PATH', message: `${keyPath} ${problem}` });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      problems.push({
        variable: 'PRIVATE_KEY_PATH',
        message: `cannot read ${keyPath} (${code}); check the path`,
      });
    }
  } else {
    problems.push({ variable: 'PRIVATE_KEY', message: `missing; ${KEY_HINT}` });
  }
  if (!appId) {
    problems.push({
      variable: 'APP_ID',
      message: 'missing; set it to the App ID shown on your GitHub App settings page',
    });
  }
  if (!secret) {
    problems.push({
      variable: 'WEBHOOK_SECRET',
      message: 'missing; set it to the webhook secret configured in your GitHub App settings',
    });
  } else if (secret.length < 16) {
    problems.push({ variable: 'WEBHOOK_SECRET', message: 'is too short; use at least 16 random characters' });
  }
  const id = Number(appId);
  if (!privateKey || !secret || !Number.isInteger(id) || id <= 0) return undefined;
  return { appId: id, privateKey, webhookSecret: secret };
}

function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.sort((a, b) => a.variable.localeCompare(b.variable));
}

export function formatConfigProblems(problems: ConfigProblem[]): string {
  const lines = problems.map((p) => `  - ${p.variable}: ${p.message}`);
  const noun = problems.length === 1 ? 'problem' : 'problems';
  return `Configuration is invalid (${problems.length} ${noun}):\n${lines.join('\n')}\nSee README.md → Configuration.`;
}
