// Replaces every `gcp-sm://…` value of an environment with the secret it names, before the
// configuration is validated. Problems name the variable and the reference, never a value.
import { isSecretReference, parseSecretReference } from '../../contract/secret-reference.ts';
import { NO_GOOGLE_CREDENTIALS } from './google-secret-manager.ts';

/** Reads one secret version by its resource name (`projects/P/secrets/S/versions/V`). */
export type SecretReader = (resourceName: string) => Promise<string>;

export type SecretProblem = { variable: string; message: string };

export type ResolvedEnvironment =
  | { ok: true; env: Record<string, string | undefined> }
  | { ok: false; problems: SecretProblem[] };

/** Error codes of Google APIs (gRPC status names), as the client library reports them. */
function describeFailure(error: unknown): string {
  const code = (error as { code?: number | string }).code;
  const details = String(
    (error as { details?: string; message?: string }).details ?? (error as Error).message,
  );
  if (code === 5 || code === 'NOT_FOUND' || /NOT_FOUND/.test(details)) {
    return 'was not found; check the project, secret name and version';
  }
  if (code === 7 || code === 'PERMISSION_DENIED' || /PERMISSION_DENIED/.test(details)) {
    return 'could not be read: permission denied; grant the App\'s service account "Secret Manager Secret Accessor" on it';
  }
  if (code === NO_GOOGLE_CREDENTIALS) {
    return (
      'could not be read: no Google credentials were found. Set GOOGLE_APPLICATION_CREDENTIALS to a ' +
      'service account key file, run `gcloud auth application-default login`, or run on Google Cloud ' +
      'with a service account (Cloud Run, GKE Workload Identity) — or set the variable to the value itself'
    );
  }
  if (code === 16 || code === 'UNAUTHENTICATED') {
    return 'could not be read: the Google credentials were refused; check GOOGLE_APPLICATION_CREDENTIALS or the service account';
  }
  return `could not be read (${details.split('\n')[0]})`;
}

export async function resolveSecretReferences(
  env: Record<string, string | undefined>,
  read: SecretReader | undefined,
): Promise<ResolvedEnvironment> {
  const resolved: Record<string, string | undefined> = { ...env };
  const problems: SecretProblem[] = [];
  const lookups: Promise<void>[] = [];
  for (const [variable, value] of Object.entries(env)) {
    if (!isSecretReference(value)) continue;
    const parsed = parseSecretReference(value);
    if ('error' in parsed) {
      problems.push({ variable, message: parsed.error });
      continue;
    }
    if (!read) {
      problems.push({
        variable,
        message: `${parsed.reference} cannot be resolved: no Secret Manager client`,
      });
      continue;
    }
    lookups.push(
      read(parsed.resourceName).then(
        (secret) => {
          resolved[variable] = secret;
        },
        (error: unknown) => {
          problems.push({ variable, message: `secret ${parsed.reference} ${describeFailure(error)}` });
        },
      ),
    );
  }
  await Promise.all(lookups);
  if (problems.length > 0) {
    problems.sort((a, b) => a.variable.localeCompare(b.variable));
    return { ok: false, problems };
  }
  return { ok: true, env: resolved };
}
