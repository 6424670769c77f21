// A local stand-in for Google Secret Manager's AccessSecretVersion, spoken to by the real
// `@google-cloud/secret-manager` client over its HTTP/JSON ("REST fallback") transport.
//
// Client options that point the real client here (see google-gax `fallback.js` and
// `fallbackServiceStub.js`):
//   fallback: true          use HTTP/1.1 + JSON instead of gRPC
//   apiEndpoint: 127.0.0.1  host of the service (instead of secretmanager.googleapis.com)
//   port: <port>            instead of 443
//   protocol: 'http'        instead of https
//   authClient: PassThroughClient from google-auth-library (the copy google-gax uses): an
//     AuthClient that adds no credentials and looks none up, so no Google account,
//     metadata server or token endpoint is involved.
// The client then sends `GET /v1/projects/P/secrets/S/versions/V:access?$alt=json;enum-encoding=int`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';

export type SecretManagerClientOptions = NonNullable<
  ConstructorParameters<typeof SecretManagerServiceClient>[0]
>;

export type SecretManagerRequest = {
  method: string;
  path: string;
  /** The resource name asked for, as sent (`…/versions/latest` stays `latest`). */
  name?: string;
  authorization?: string;
  status: number;
};

export type SecretManagerFake = {
  url: string;
  clientOptions(): SecretManagerClientOptions;
  requests: SecretManagerRequest[];
  /** `projects/P/secrets/S/versions/V` sets that version; `projects/P/secrets/S` adds the next
   *  version. Returns the version's full name. */
  setSecret(name: string, value: string): string;
  /** Denies access to a secret (all its versions) or to one version. */
  deny(name: string): void;
  close(): Promise<void>;
};

type Secret = Map<number, string>;

const VERSION_NAME = /^(projects\/[^/]+(?:\/locations\/[^/]+)?\/secrets\/[^/]+)\/versions\/([^/]+)$/;
const SECRET_NAME = /^projects\/[^/]+(?:\/locations\/[^/]+)?\/secrets\/[^/]+$/;
const ACCESS_PATH =
  /^\/v1\/(projects\/[^/]+(?:\/locations\/[^/]+)?\/secrets\/[^/]+\/versions\/[^/]+):access$/;

// CRC32C (Castagnoli), which Secret Manager reports as `payload.dataCrc32c`.
const CRC32C_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32c(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** google-auth-library's PassThroughClient, from the copy google-gax itself loads. */
function passThroughClient(): unknown {
  const fromHere = createRequire(import.meta.url);
  const fromClient = createRequire(fromHere.resolve('@google-cloud/secret-manager'));
  const fromGax = createRequire(fromClient.resolve('google-gax'));
  const library = fromGax('google-auth-library') as { PassThroughClient: new () => unknown };
  return new library.PassThroughClient();
}

function googleError(
  res: ServerResponse,
  code: number,
  status: string,
  message: string,
  details?: unknown[],
) {
  const body = JSON.stringify({ error: { code, message, status, ...(details ? { details } : {}) } });
  res.writeHead(code, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

export async function startSecretManagerFake(
  options: { secrets?: Record<string, string>; denied?: string[] } = {},
): Promise<SecretManagerFake> {
  const secrets = new Map<string, Secret>();
  const denied = new Set<string>(options.denied ?? []);
  const requests: SecretManagerRequest[] = [];

  function setSecret(name: string, value: string): string {
    const version = VERSION_NAME.exec(name);
    const secretName = version ? version[1]! : name;
    if (!version && !SECRET_NAME.test(name)) {
      throw new Error(`setSecret: ${name} is not projects/P/secrets/S or projects/P/secrets/S/versions/N`);
    }
    const secret = secrets.get(secretName) ?? new Map<number, string>();
    secrets.set(secretName, secret);
    const number = version ? Number(version[2]) : Math.max(0, ...secret.keys()) + 1;
    if (!Number.isInteger(number) || number < 1) {
      throw new Error(`setSecret: version of ${name} must be a positive number`);
    }
    secret.set(number, value);
    return `${secretName}/versions/${number}`;
  }

  for (const [name, value] of Object.entries(options.secrets ?? {})) setSecret(name, value);

  function access(res: ServerResponse, name: string): number {
    const [, secretName, versionId] = VERSION_NAME.exec(name)!;
    if (denied.has(name) || denied.has(secretName!)) {
      googleError(
        res,
        403,
        'PERMISSION_DENIED',
        `Permission 'secretmanager.versions.access' denied for resource '${name}' (or it may not exist).`,
        [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'IAM_PERMISSION_DENIED',
            domain: 'secretmanager.googleapis.com',
            metadata: { permission: 'secretmanager.versions.access', resource: name },
          },
        ],
      );
      return 403;
    }
    const secret = secrets.get(secretName!);
    if (!secret || secret.size === 0) {
      googleError(res, 404, 'NOT_FOUND', `Secret [${secretName}] not found or has no versions.`);
      return 404;
    }
    const number = versionId === 'latest' ? Math.max(...secret.keys()) : Number(versionId);
    if (!Number.isInteger(number) || number < 1) {
      googleError(res, 400, 'INVALID_ARGUMENT', `Invalid resource field value in the request: ${name}`);
      return 400;
    }
    const value = secret.get(number);
    if (value === undefined) {
      googleError(res, 404, 'NOT_FOUND', `Secret Version [${secretName}/versions/${number}] not found.`);
      return 404;
    }
    const data = Buffer.from(value, 'utf8');
    const body = JSON.stringify({
      name: `${secretName}/versions/${number}`,
      payload: { data: data.toString('base64'), dataCrc32c: String(crc32c(data)) },
    });
    res.writeHead(200, {
      'content-type': 'application/json; charset=UTF-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
    return 200;
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://secretmanager.invalid');
    const path = decodeURIComponent(url.pathname);
    const match = req.method === 'GET' ? ACCESS_PATH.exec(path) : null;
    const record: SecretManagerRequest = {
      method: req.method ?? 'GET',
      path,
      name: match?.[1],
      authorization: req.headers.authorization,
      status: 0,
    };
    requests.push(record);
    if (!match) {
      record.status = 404;
      googleError(
        res,
        404,
        'NOT_FOUND',
        `The fake serves only AccessSecretVersion; no route for ${req.method} ${path}.`,
      );
      return;
    }
    record.status = access(res, match[1]!);
  }

  const server = createServer((req, res) => {
    // Drain the (empty) body before answering so keep-alive connections stay usable.
    req.resume();
    req.on('end', () => handle(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    clientOptions: () =>
      ({
        fallback: true,
        apiEndpoint: '127.0.0.1',
        port,
        protocol: 'http',
        authClient: passThroughClient(),
      }) as SecretManagerClientOptions,
    requests,
    setSecret,
    deny: (name) => {
      denied.add(name);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
