// `gcp-sm://projects/P/secrets/S/versions/V` (or `…/locations/L/secrets/…` for a regional
// secret): a value kept in Google Secret Manager instead of the environment. The App resolves
// such references in its own configuration; the action in the engine's key variable.
export const SECRET_REFERENCE_PREFIX = 'gcp-sm://';

const REFERENCE =
  /^gcp-sm:\/\/(projects\/[A-Za-z0-9._:-]+(?:\/locations\/[a-z0-9-]+)?\/secrets\/[A-Za-z0-9_-]+\/versions\/(?:[0-9]+|latest))$/;

export type SecretReference = { reference: string; resourceName: string };

export function isSecretReference(value: string | undefined): value is string {
  return typeof value === 'string' && value.trim().startsWith(SECRET_REFERENCE_PREFIX);
}

/** Parses a reference; returns a reason when it is malformed. */
export function parseSecretReference(value: string): SecretReference | { error: string } {
  const match = REFERENCE.exec(value.trim());
  if (!match?.[1]) {
    return {
      error: `${value.trim()} is not a valid secret reference; expected gcp-sm://projects/PROJECT/secrets/NAME/versions/VERSION (a number or "latest")`,
    };
  }
  return { reference: value.trim(), resourceName: match[1] };
}
