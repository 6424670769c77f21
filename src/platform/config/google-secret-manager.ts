// Reads secret versions from Google Secret Manager with the official client. The client is
// created lazily: an App whose configuration holds no `gcp-sm://` reference never loads it.
//
// Google's default credentials are looked up once, before the client exists, so that having
// none is one clear problem per reference (resolve-secrets.ts) instead of the client library's
// stack trace from inside its gRPC stub.
import type { SecretReader } from './resolve-secrets.ts';

/** Options passed to `SecretManagerServiceClient` (credentials, endpoint, transport). */
export type SecretManagerClientOptions = Record<string, unknown>;

/** No Google credentials anywhere the client library looks (environment, gcloud, metadata server). */
export const NO_GOOGLE_CREDENTIALS = 'NO_GOOGLE_CREDENTIALS';

const CREDENTIAL_OPTIONS = ['authClient', 'auth', 'credentials', 'keyFilename', 'keyFile', 'sslCreds'];

async function defaultCredentials(options: SecretManagerClientOptions): Promise<SecretManagerClientOptions> {
  if (CREDENTIAL_OPTIONS.some((name) => options[name] !== undefined)) return options;
  const { GoogleAuth } = await import('google-auth-library');
  const auth = new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] });
  try {
    return { ...options, authClient: await auth.getClient() };
  } catch (error) {
    throw Object.assign(new Error('no Google credentials found', { cause: error }), {
      code: NO_GOOGLE_CREDENTIALS,
    });
  }
}

export function createSecretManagerReader(options: SecretManagerClientOptions = {}): SecretReader & {
  close(): Promise<void>;
} {
  let client: Promise<import('@google-cloud/secret-manager').SecretManagerServiceClient> | undefined;
  const getClient = () => {
    client ??= Promise.all([import('@google-cloud/secret-manager'), defaultCredentials(options)]).then(
      ([{ SecretManagerServiceClient }, resolved]) => new SecretManagerServiceClient(resolved as never),
    );
    return client;
  };
  const read = async (resourceName: string): Promise<string> => {
    const [version] = await (await getClient()).accessSecretVersion({ name: resourceName });
    const data = version.payload?.data;
    if (data === undefined || data === null) throw new Error(`secret version ${resourceName} has no payload`);
    return typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
  };
  return Object.assign(read, {
    async close() {
      const made = await client?.catch(() => undefined);
      await made?.close();
    },
  });
}
