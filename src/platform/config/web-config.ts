// The settings of what the App serves people (sign-in, the API, transcripts, metrics), read once
// with the rest of the configuration by read-config.ts.
import { z } from 'zod';

const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** read-config's whole-number field (name, default, bounds). */
type IntegerField = (name: string, fallback: number, min: number, max: number) => z.ZodType<number, unknown>;

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

/** The environment variables of this part, merged into read-config's schema. */
export function webEnvShape(integer: IntegerField) {
  return {
    GITHUB_CLIENT_ID: z.preprocess(blankToUndefined, z.string().min(1).optional()),
    GITHUB_CLIENT_SECRET: z.preprocess(blankToUndefined, z.string().min(1).optional()),
    GITHUB_WEB_URL: z.preprocess(
      blankToUndefined,
      z
        .url({
          protocol: /^https?$/,
          error: 'GITHUB_WEB_URL must be an http(s) URL, e.g. https://github.com',
        })
        .default('https://github.com'),
    ),
    OPERATORS: z.preprocess(
      blankToUndefined,
      z
        .string()
        .default('')
        .transform((text) =>
          text
            .split(',')
            .map((login) => login.trim())
            .filter((login) => login !== ''),
        )
        .refine((logins) => logins.every((login) => LOGIN.test(login)), {
          error: 'must be a comma-separated list of GitHub logins',
        }),
    ),
    SESSION_TTL_HOURS: integer('SESSION_TTL_HOURS', 8, 1, 720),
    ACCESS_CACHE_SECONDS: integer('ACCESS_CACHE_SECONDS', 60, 0, 3600),
    TRANSCRIPT_MAX_EVENTS: integer('TRANSCRIPT_MAX_EVENTS', 5000, 10, 1_000_000),
    TRANSCRIPT_RETENTION_DAYS: integer('TRANSCRIPT_RETENTION_DAYS', 30, 1, 3650),
    METRICS_TOKEN: z.preprocess(
      blankToUndefined,
      z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
    ),
    METRICS_PORT: z.preprocess(
      blankToUndefined,
      z.coerce
        .number({ error: 'must be a port number' })
        .int({ error: 'must be a port number' })
        .min(0)
        .max(65535)
        .optional(),
    ),
    METRICS_HOST: z.preprocess(blankToUndefined, z.string().default('127.0.0.1')),
  };
}

type WebEnv = z.output<z.ZodObject<ReturnType<typeof webEnvShape>>>;

export type WebConfig = {
  /** The App's OAuth credentials (sign-in with GitHub); undefined: sign-in is off, bearer tokens only. */
  oauth: { clientId: string; clientSecret: string } | undefined;
  /** GitHub's web host (the OAuth pages): https://github.com, or the GitHub Enterprise Server. */
  githubWebUrl: string;
  /** Logins that see every task and repository. */
  operators: string[];
  sessionTtlMs: number;
  /** How long the repositories a user may see, and a bearer token's check, are remembered. */
  accessCacheMs: number;
  transcript: { maxEventsPerTask: number; retentionDays: number };
  /** `/metrics`: with a bearer token on the main listener, and/or on a listener of its own. */
  metrics: { token: string | undefined; port: number | undefined; host: string };
};

export type WebConfigProblem = { variable: string; message: string };

export function webConfigFrom(env: WebEnv, problems: WebConfigProblem[]): WebConfig {
  if ((env.GITHUB_CLIENT_ID === undefined) !== (env.GITHUB_CLIENT_SECRET === undefined)) {
    problems.push({
      variable: env.GITHUB_CLIENT_ID === undefined ? 'GITHUB_CLIENT_ID' : 'GITHUB_CLIENT_SECRET',
      message:
        'set both GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET (the Client ID and a client secret from the App settings page), or neither',
    });
  }
  return {
    oauth:
      env.GITHUB_CLIENT_ID && env.GITHUB_CLIENT_SECRET
        ? { clientId: env.GITHUB_CLIENT_ID, clientSecret: env.GITHUB_CLIENT_SECRET }
        : undefined,
    githubWebUrl: env.GITHUB_WEB_URL.replace(/\/+$/, ''),
    operators: env.OPERATORS,
    sessionTtlMs: env.SESSION_TTL_HOURS * 3_600_000,
    accessCacheMs: env.ACCESS_CACHE_SECONDS * 1000,
    transcript: {
      maxEventsPerTask: env.TRANSCRIPT_MAX_EVENTS,
      retentionDays: env.TRANSCRIPT_RETENTION_DAYS,
    },
    metrics: { token: env.METRICS_TOKEN, port: env.METRICS_PORT, host: env.METRICS_HOST },
  };
}
