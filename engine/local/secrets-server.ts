import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './http-body.js';

export interface LocalSecretsManagerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host: string;
  /** Secrets there from the start: name → SecretString. */
  secrets: Record<string, string>;
  region?: string;
}

/** The Secrets Manager operations the local server speaks. */
export type LocalSecretsOperation = 'GetSecretValue' | 'PutSecretValue' | 'CreateSecret';

export interface LocalSecretsManager {
  /** e.g. http://127.0.0.1:41237, for `new SecretsManagerClient({ endpoint })`. */
  endpoint: string;
  port: number;
  /** Requests received, by operation (unknown ones too). */
  readonly requests: Record<string, number>;
  stop(): Promise<void>;
}

interface StoredSecret {
  name: string;
  arn: string;
  versions: { versionId: string; secretString: string; createdDate: number }[];
}

class SecretsManagerFault extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const TARGET_PREFIX = 'secretsmanager.';
const ACCOUNT = '000000000000';
const MAX_BODY_BYTES = 1_000_000;

/**
 * Starts a local server speaking the AWS JSON 1.1 protocol of Secrets Manager (`POST /` with
 * `X-Amz-Target: secretsmanager.<Operation>`) for GetSecretValue, PutSecretValue and CreateSecret,
 * so the real `SecretsManagerClient` can talk to it. Unknown secrets answer
 * ResourceNotFoundException, as AWS does.
 * @example const sm = await startLocalSecretsManager({ host: '127.0.0.1', secrets: { 'cart-recovery': '{...}' } })
 */
export async function startLocalSecretsManager(
  options: LocalSecretsManagerOptions,
): Promise<LocalSecretsManager> {
  const region = options.region ?? 'us-east-1';
  const store = new Map<string, StoredSecret>();
  const requests: Record<string, number> = {};

  const arnOf = (name: string) => {
    // AWS appends six random characters; a hash keeps the local ARN stable across restarts.
    const suffix = createHash('sha256').update(name).digest('base64url').replace(/[-_]/g, 'x').slice(0, 6);
    return `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${name}-${suffix}`;
  };
  const create = (name: string, secretString: string, versionId: string): StoredSecret => {
    const secret: StoredSecret = {
      name,
      arn: arnOf(name),
      versions: [{ versionId, secretString, createdDate: Date.now() / 1000 }],
    };
    store.set(name, secret);
    return secret;
  };
  const find = (secretId: unknown): StoredSecret => {
    if (typeof secretId !== 'string' || secretId === '') {
      throw new SecretsManagerFault('InvalidParameterException', 'SecretId is required.');
    }
    const secret = store.get(secretId) ?? [...store.values()].find((s) => s.arn === secretId);
    if (!secret) {
      throw new SecretsManagerFault(
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
      );
    }
    return secret;
  };

  for (const [name, secretString] of Object.entries(options.secrets))
    create(name, secretString, randomUUID());

  const operations: Record<LocalSecretsOperation, (input: Record<string, unknown>) => unknown> = {
    GetSecretValue(input) {
      const secret = find(input.SecretId);
      const wanted = input.VersionId;
      const version =
        typeof wanted === 'string'
          ? secret.versions.find((v) => v.versionId === wanted)
          : secret.versions[secret.versions.length - 1];
      if (!version || (input.VersionStage !== undefined && input.VersionStage !== 'AWSCURRENT')) {
        throw new SecretsManagerFault(
          'ResourceNotFoundException',
          "Secrets Manager can't find the specified secret value for the version.",
        );
      }
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: version.versionId,
        SecretString: version.secretString,
        VersionStages: version === secret.versions[secret.versions.length - 1] ? ['AWSCURRENT'] : [],
        CreatedDate: version.createdDate,
      };
    },
    PutSecretValue(input) {
      const secret = find(input.SecretId);
      const secretString = requireSecretString(input);
      const versionId =
        typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : randomUUID();
      secret.versions.push({ versionId, secretString, createdDate: Date.now() / 1000 });
      return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: ['AWSCURRENT'] };
    },
    CreateSecret(input) {
      const name = input.Name;
      if (typeof name !== 'string' || name === '') {
        throw new SecretsManagerFault('InvalidParameterException', 'Name is required.');
      }
      if (store.has(name)) {
        throw new SecretsManagerFault(
          'ResourceExistsException',
          `The operation failed because the secret ${name} already exists.`,
        );
      }
      const versionId =
        typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : randomUUID();
      const secret = create(name, requireSecretString(input), versionId);
      return { ARN: secret.arn, Name: secret.name, VersionId: versionId };
    },
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendError(res, 500, 'InternalServiceError', 'The local Secrets Manager crashed.');
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    requests[operation] = (requests[operation] ?? 0) + 1;
    const input = await readJson(req);
    if (req.method !== 'POST' || !Object.hasOwn(operations, operation)) {
      sendError(res, 400, 'UnknownOperationException', 'The local Secrets Manager does not serve this.');
      return;
    }
    if (input === undefined) {
      sendError(res, 400, 'SerializationException', 'The request body is not a JSON object.');
      return;
    }
    try {
      const output = operations[operation as LocalSecretsOperation](input);
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(output));
    } catch (error) {
      if (!(error instanceof SecretsManagerFault)) throw error;
      sendError(res, 400, error.type, error.message);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hostInUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    endpoint: `http://${hostInUrl}:${port}`,
    port,
    requests,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function requireSecretString(input: Record<string, unknown>): string {
  if (typeof input.SecretString !== 'string') {
    throw new SecretsManagerFault(
      'InvalidRequestException',
      'The local Secrets Manager stores SecretString values only.',
    );
  }
  return input.SecretString;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8') || '{}');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

// AWS JSON 1.1 errors: the SDK reads the error name from `__type` (and x-amzn-errortype).
function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type });
  res.end(JSON.stringify({ __type: type, Message: message }));
}
