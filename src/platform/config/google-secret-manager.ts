// Reads secret versions from Google Secret Manager with the official client. The client is
// created lazily: an App whose configuration holds no `gcp-sm://` reference never loads it.
import type { SecretReader } from './resolve-secrets.ts';

/** Options passed to `SecretManagerServiceClient` (credentials, endpoint, transport). */
export type SecretManagerClientOptions = Record<string, unknown>;

export function createSecretManagerReader(options: SecretManagerClientOptions = {}): SecretReader & {
  close(): Promise<void>;
} {
  let client: Promise<import('@google-cloud/secret-manager').SecretManagerServiceClient> | undefined;
  const getClient = () => {
    client ??= import('@google-cloud/secret-manager').then(
      ({ SecretManagerServiceClient }) => new SecretManagerServiceClient(options as never),
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
      if (client) await (await client).close();
    },
  });
}
