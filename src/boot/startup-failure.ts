// A start-up failure is one message with the fix, never a stack trace: the error is named by a
// code of the one error model (core/errors.ts), printed as one paragraph, and the process exits.
// LOG_LEVEL=debug (or trace) adds the error with its stack to the log.
import { AppError, isAppError } from '../core/errors.ts';
import type { Logger } from '../platform/logging/create-logger.ts';

export type StartupContext = {
  /** The database the App was opening, when it got that far (its password is never shown). */
  databaseUrl?: string | undefined;
  host?: string;
  port?: number;
};

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ECONNRESET',
]);
/** SQLSTATEs of a server that answers but will not let the App in. */
const ACCESS_STATES: Record<string, string> = {
  '28P01': 'the password was refused',
  '28000': 'the server refused this user',
  '3D000': 'the database does not exist (create it first)',
  '42501': 'the user lacks a privilege the migrations need',
  '57P03': 'the server is starting up or shutting down; retry',
};

function describeTarget(url: string | undefined): string {
  if (!url) return 'DATABASE_URL';
  try {
    const parsed = new URL(url);
    const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
    return `${user}${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string') return code;
  const inner = (error as { errors?: unknown[] })?.errors?.[0];
  return inner ? codeOf(inner) : undefined;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() || (error as Error)?.name || 'unknown error';
}

/** The failure as an AppError of the one model: known causes get their own code and fix. */
export function classifyStartupFailure(error: unknown, context: StartupContext): AppError {
  if (isAppError(error)) return error;
  const code = codeOf(error);
  if (code === 'EADDRINUSE') {
    return new AppError('port_in_use', { host: context.host ?? '127.0.0.1', port: context.port ?? 0 });
  }
  if (code === 'EACCES' && (error as { syscall?: string }).syscall === 'listen') {
    return new AppError('startup_failed', {
      reason: `Cannot listen on ${context.host}:${context.port}: permission denied (ports below 1024 need privileges); set PORT to 1024 or above`,
    });
  }
  if (code && (CONNECTION_CODES.has(code) || ACCESS_STATES[code])) {
    const reason = ACCESS_STATES[code] ?? `${code} (is the server running and reachable from here?)`;
    return new AppError('database_unreachable', { target: describeTarget(context.databaseUrl), reason });
  }
  return new AppError('startup_failed', { reason: firstLine(error) }, { cause: error });
}

/** Prints the one message (stderr, plain text, like the configuration report) and returns the exit code. */
export function reportStartupFailure(error: unknown, context: StartupContext, log?: Logger): number {
  const failure = classifyStartupFailure(error, context);
  log?.debug({ err: error }, 'start-up failed');
  process.stderr.write(`Agent Dispatch cannot start: ${failure.message}\n`);
  return 1;
}
