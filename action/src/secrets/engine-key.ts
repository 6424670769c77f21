// The engine's model API key: the value of a job variable the workflow fills from an
// environment secret, or a Google Secret Manager reference in that variable
// (`gcp-sm://projects/P/secrets/S/versions/V`) read with the job's Google credentials.
// Every value is masked before anything else happens with it; errors name the variable and
// the reference, never a value.
import { isSecretReference, parseSecretReference } from '../../../src/contract/secret-reference.ts';
import { ActionError, errorMessage } from '../action-error.ts';

export type SecretVersionReader = (resourceName: string) => Promise<string>;

export type EngineKey = { value: string; variable: string; reference: string | null };

export async function resolveEngineKey(options: {
  engine: string;
  variables: readonly string[];
  env: Record<string, string | undefined>;
  mask(value: string): void;
  readSecret: SecretVersionReader;
}): Promise<EngineKey> {
  const { engine, variables, env } = options;
  const variable = variables.find((name) => (env[name] ?? '').trim() !== '');
  if (variable === undefined) {
    throw new ActionError(
      'missing-secret',
      `The ${engine} engine needs a model API key in ${variables.join(' or ')}, and the run step has none: add the key as a secret of the job's environment and pass it to the step under \`env:\` (${variables[0]}: \${{ secrets.${variables[0]} }}), as workflows-templates/agent.yml does — or put a gcp-sm://projects/P/secrets/S/versions/V reference there.`,
    );
  }
  const raw = (env[variable] ?? '').trim();
  options.mask(raw);
  if (!isSecretReference(raw)) return { value: raw, variable, reference: null };

  const parsed = parseSecretReference(raw);
  if ('error' in parsed) {
    throw new ActionError(
      'missing-secret',
      `${variable} holds "${raw}", which is not a valid Secret Manager reference: use gcp-sm://projects/PROJECT/secrets/NAME/versions/VERSION (a number or "latest").`,
    );
  }
  let value: string;
  try {
    value = await options.readSecret(parsed.resourceName);
  } catch (error) {
    throw new ActionError(
      'missing-secret',
      `${variable}: the secret ${raw} could not be read from Google Secret Manager: ${errorMessage(error)}. Check that it exists and that the job's Google identity (Workload Identity Federation, google-github-actions/auth) may access it (roles/secretmanager.secretAccessor).`,
      { cause: error },
    );
  }
  // Secret Manager values are often saved with a trailing newline.
  value = value.trim();
  for (const line of value.split(/\r?\n/)) if (line !== '') options.mask(line);
  options.mask(value);
  if (value === '') {
    throw new ActionError(
      'missing-secret',
      `${variable}: the secret ${raw} in Google Secret Manager is empty.`,
    );
  }
  return { value, variable, reference: raw };
}
