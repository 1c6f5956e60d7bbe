import { createHash, randomUUID } from 'node:crypto';
import { type JsonHttpRequest, startJsonHttpServer } from './json-http-server.js';

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
  /** Requests answered with success, by operation (errors are not counted). */
  readonly requests: Record<string, number>;
  stop(): Promise<void>;
}

interface StoredSecret {
  name: string;
  arn: string;
  versions: { versionId: string; secretString: string; createdDate: number }[];
}

/** An error in Secrets Manager's JSON 1.1 protocol: its `__type`, answered with status 400. */
class SecretsManagerFault extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'SecretsManagerFault';
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

  async function route(request: JsonHttpRequest): Promise<{ operation: string; body: unknown }> {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    if (request.method !== 'POST' || !Object.hasOwn(operations, operation)) {
      throw new SecretsManagerFault(
        'UnknownOperationException',
        'The local Secrets Manager does not serve this.',
      );
    }
    const input = await request.json();
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw notAnObject();
    return {
      operation,
      body: operations[operation as LocalSecretsOperation](input as Record<string, unknown>),
    };
  }

  const http = await startJsonHttpServer({
    name: 'local secrets manager',
    port: options.port,
    host: options.host,
    contentType: 'application/x-amz-json-1.1',
    maxBodyBytes: MAX_BODY_BYTES,
    badBody: notAnObject,
    route,
    // AWS JSON 1.1 errors: the SDK reads the error name from `__type` (and x-amzn-errortype).
    errorReply: (error) => (error instanceof SecretsManagerFault ? faultReply(400, error) : undefined),
    internalError: faultReply(
      500,
      new SecretsManagerFault('InternalServiceError', 'The local Secrets Manager crashed.'),
    ),
  });
  return {
    endpoint: http.endpoint,
    port: http.port,
    requests: http.requests,
    stop: () => http.close(),
  };
}

const notAnObject = () =>
  new SecretsManagerFault('SerializationException', 'The request body is not a JSON object.');

function faultReply(status: number, fault: SecretsManagerFault) {
  return {
    status,
    body: { __type: fault.type, Message: fault.message },
    headers: { 'x-amzn-errortype': fault.type },
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
