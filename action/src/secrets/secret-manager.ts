// Reads a secret version with the official client, @google-cloud/secret-manager, over its
// HTTP/JSON transport, with Application Default Credentials — what google-github-actions/auth
// sets up through Workload Identity Federation (GOOGLE_APPLICATION_CREDENTIALS). The client is
// large, so it is loaded only when a gcp-sm:// reference is actually read (a separate chunk of
// the bundle).
//
// For tests only: AGENT_DISPATCH_TEST_SECRET_MANAGER_URL=http://127.0.0.1:<port> sends the
// request to a local fake instead, with no credentials at all. It is honoured only for a
// loopback address, so it can neither send credentials nor a request off the machine.
import { ActionError } from '../action-error.ts';
import type { SecretVersionReader } from './engine-key.ts';

export const TEST_ENDPOINT_VARIABLE = 'AGENT_DISPATCH_TEST_SECRET_MANAGER_URL';

type ClientModule = typeof import('@google-cloud/secret-manager');
type Client = InstanceType<ClientModule['SecretManagerServiceClient']>;

function loopbackEndpoint(value: string | undefined): URL | null {
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ActionError('missing-secret', `${TEST_ENDPOINT_VARIABLE} is not a URL.`);
  }
  if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new ActionError(
      'missing-secret',
      `${TEST_ENDPOINT_VARIABLE} may only name a local test server (http://127.0.0.1:PORT); unset it to use Google Secret Manager.`,
    );
  }
  return url;
}

async function createClient(env: Record<string, string | undefined>): Promise<Client> {
  const endpoint = loopbackEndpoint(env[TEST_ENDPOINT_VARIABLE]);
  // CommonJS packages: their exports may arrive as the namespace or under `default`.
  const module_ = (await import('@google-cloud/secret-manager')) as ClientModule & { default?: ClientModule };
  const Client = module_.SecretManagerServiceClient ?? module_.default?.SecretManagerServiceClient;
  if (endpoint === null) return new Client({ fallback: true });
  type AuthModule = typeof import('google-auth-library');
  const auth = (await import('google-auth-library')) as AuthModule & { default?: AuthModule };
  const PassThroughClient = auth.PassThroughClient ?? auth.default?.PassThroughClient;
  return new Client({
    fallback: true,
    apiEndpoint: endpoint.hostname.replace(/^\[|\]$/g, ''),
    port: Number(endpoint.port || 80),
    protocol: 'http',
    authClient: new PassThroughClient(),
  } as ConstructorParameters<ClientModule['SecretManagerServiceClient']>[0]);
}

export function createSecretManagerReader(env: Record<string, string | undefined>): SecretVersionReader {
  return async (resourceName) => {
    const client = await createClient(env);
    try {
      const [version] = await client.accessSecretVersion(
        { name: resourceName },
        { timeout: 30_000, maxRetries: 2 },
      );
      const data = version.payload?.data;
      if (data === undefined || data === null) throw new Error('the secret version has no payload');
      return typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    } finally {
      await client.close().catch(() => undefined);
    }
  };
}
