/**
 * A local stand-in for Google's login endpoints, speaking their wire protocols, so the real
 * google-auth-library clients can be tested without Google:
 *
 * - `POST /token`, the OAuth 2.0 token endpoint, JWT bearer grant (RFC 7523): a JWT signed with the
 *   fake service account's key (RS256, `aud` the token URL, `scope`, at most an hour) is traded for
 *   an opaque access token.
 * - `POST /v1/token`, Security Token Service token exchange (RFC 8693) for an AWS provider: the
 *   subject token is a serialized, SigV4-signed `GetCallerIdentity` request, checked here against the
 *   fake AWS identities (signature included); the answer is a federated access token.
 * - `POST /v1/projects/-/serviceAccounts/<email>:generateAccessToken`, IAM Service Account
 *   Credentials: a federated token whose AWS role is bound to the service account
 *   (roles/iam.workloadIdentityUser) gets a one-hour token of the service account.
 *
 * The fake API servers accept only the access tokens issued here (`check`), so a client that skips
 * the token endpoint (a self-signed JWT) is refused with 401, as the issue asks of the fakes.
 */
import { createHash, createHmac, createPublicKey, randomBytes, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FakeServiceAccount, fakeServiceAccount } from './google-service-account.js';

export const GOOGLE_TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const AWS_SUBJECT = 'urn:ietf:params:aws:token-type:aws4_request';
const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

/** An AWS identity the fake STS knows: the credentials a Lambda role would have. */
export interface FakeAwsIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** arn:aws:sts::<account>:assumed-role/<role>/<session> */
  assumedRoleArn: string;
}

export interface AuthRequest {
  endpoint: 'token' | 'sts' | 'generateAccessToken' | 'unknown';
  status: number;
}

export interface AccessTokenInfo {
  /** The service account's email (a federated token's is its principal). */
  principal: string;
  scopes: string[];
  expiresAt: number;
  /** attribute.aws_role of a federated token. */
  awsRole?: string;
}

/** Thrown by `check`: the Google error the API server answers with. */
export class GoogleAuthRefusal extends Error {
  constructor(
    readonly code: number,
    readonly status: string,
    message: string,
  ) {
    super(message);
  }
}

export interface GoogleAuthServer {
  /** e.g. http://127.0.0.1:41234/token */
  tokenUrl: string;
  /** e.g. http://127.0.0.1:41234/v1/token */
  stsUrl: string;
  serviceAccount: FakeServiceAccount;
  projectNumber: string;
  requests: AuthRequest[];
  /** The workload identity provider's full name, the STS audience. */
  audience: string;
  /** The credential configuration `gcloud iam workload-identity-pools create-cred-config --aws` writes, pointing here. */
  externalAccountConfig(): Record<string, unknown>;
  /** An AWS identity the STS will accept; bound to the service account unless `bound: false`. */
  addAwsIdentity(roleName: string, options?: { bound?: boolean }): FakeAwsIdentity;
  /** The token's principal and scopes, or a refusal (401 unknown or expired, 403 missing scope). */
  check(authorization: string | undefined, scope: string): AccessTokenInfo;
  stop(): Promise<void>;
}

/** Starts the server on a random local port with a fresh fake service account. */
export async function startGoogleAuthServer(
  options: { serviceAccount?: FakeServiceAccount; projectNumber?: string; awsAccountId?: string } = {},
): Promise<GoogleAuthServer> {
  const account = options.serviceAccount ?? fakeServiceAccount();
  const publicKey = createPublicKey(account.publicKeyPem);
  const projectNumber = options.projectNumber ?? '123456789012';
  const awsAccountId = options.awsAccountId ?? '111122223333';
  const audience = `//iam.googleapis.com/projects/${projectNumber}/locations/global/workloadIdentityPools/cart-recovery/providers/aws`;
  const tokens = new Map<string, AccessTokenInfo>();
  const identities = new Map<string, FakeAwsIdentity>();
  /** attribute.aws_role values allowed to impersonate the service account. */
  const bindings = new Set<string>();
  const requests: AuthRequest[] = [];

  const issue = (info: AccessTokenInfo) => {
    const token = `ya29.fake-${randomBytes(18).toString('base64url')}`;
    tokens.set(token, info);
    return token;
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const text = Buffer.concat(chunks).toString('utf8');
      const record: AuthRequest = { endpoint: 'unknown', status: 200 };
      requests.push(record);
      const answer = (status: number, body: unknown) => {
        record.status = status;
        send(res, status, body);
      };
      try {
        if (req.method === 'POST' && url.pathname === '/token') {
          record.endpoint = 'token';
          const [status, body] = jwtBearer(new URLSearchParams(text));
          answer(status, body);
        } else if (req.method === 'POST' && url.pathname === '/v1/token') {
          record.endpoint = 'sts';
          const [status, body] = tokenExchange(formOrJson(req, text));
          answer(status, body);
        } else {
          const match = /^\/v1\/projects\/-\/serviceAccounts\/([^/:]+):generateAccessToken$/.exec(
            url.pathname,
          );
          if (req.method !== 'POST' || !match?.[1]) {
            answer(404, apiError(404, 'NOT_FOUND', 'Requested entity was not found.'));
            return;
          }
          record.endpoint = 'generateAccessToken';
          const [status, body] = generateAccessToken(decodeURIComponent(match[1]), req, text);
          answer(status, body);
        }
      } catch (error) {
        answer(400, { error: 'invalid_request', error_description: String(error) });
      }
    });
  });

  /** RFC 7523 §2.1 as Google's token endpoint applies it to a service account. */
  function jwtBearer(form: URLSearchParams): [number, unknown] {
    const invalid = (description: string): [number, unknown] => [
      400,
      { error: 'invalid_grant', error_description: description },
    ];
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      return [400, { error: 'unsupported_grant_type', error_description: 'Invalid grant_type.' }];
    }
    const [head = '', body = '', signature = ''] = (form.get('assertion') ?? '').split('.');
    let header: { alg?: string };
    let claims: { iss?: string; scope?: string; aud?: string; exp?: number; iat?: number };
    try {
      header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return invalid('Invalid JWT: the assertion is not a JWT.');
    }
    if (header.alg !== 'RS256') return invalid('Invalid JWT: alg must be RS256.');
    const signed = verify(
      'RSA-SHA256',
      Buffer.from(`${head}.${body}`),
      publicKey,
      Buffer.from(signature, 'base64url'),
    );
    if (!signed) return invalid('Invalid JWT Signature.');
    if (claims.iss !== account.client_email)
      return [401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' }];
    if (claims.aud !== GOOGLE_TOKEN_AUDIENCE) return invalid('Invalid JWT: aud must be the token endpoint.');
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number')
      return invalid('Invalid JWT: iat and exp are required.');
    if (claims.exp <= now || claims.iat > now + 60 || claims.exp - claims.iat > 3600) {
      return invalid(
        'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.',
      );
    }
    const scopes = (claims.scope ?? '').split(' ').filter(Boolean);
    if (scopes.length === 0) return invalid('Invalid JWT: no scope.');
    const expiresIn = 3599;
    const token = issue({
      principal: account.client_email,
      scopes,
      expiresAt: Date.now() + expiresIn * 1000,
    });
    return [200, { access_token: token, expires_in: expiresIn, token_type: 'Bearer' }];
  }

  /** RFC 8693 as Google STS applies it to an AWS provider. */
  function tokenExchange(form: Record<string, string>): [number, unknown] {
    const invalid = (error: string, description: string): [number, unknown] => [
      400,
      { error, error_description: description },
    ];
    if (form.grant_type !== TOKEN_EXCHANGE) return invalid('unsupported_grant_type', 'Invalid grant_type.');
    if (form.audience !== audience)
      return invalid(
        'invalid_target',
        'The target service indicated by the "audience" parameters is invalid.',
      );
    if (form.subject_token_type !== AWS_SUBJECT)
      return invalid('invalid_request', 'Invalid subject_token_type.');
    if (form.requested_token_type !== 'urn:ietf:params:oauth:token-type:access_token') {
      return invalid('invalid_request', 'Invalid requested_token_type.');
    }
    let request: { url?: string; method?: string; headers?: { key: string; value: string }[] };
    try {
      request = JSON.parse(decodeURIComponent(form.subject_token ?? ''));
    } catch {
      return invalid('invalid_grant', 'The subject token is not a serialized AWS request.');
    }
    const identity = checkCallerIdentityRequest(request, identities, audience);
    if (typeof identity === 'string') return invalid('invalid_grant', identity);
    const awsRole = identity.assumedRoleArn.replace(/^(arn:aws:sts::\d+:assumed-role\/[^/]+)\/.*$/, '$1');
    const expiresIn = 3600;
    const token = issue({
      principal: `principal://iam.googleapis.com/projects/${projectNumber}/locations/global/workloadIdentityPools/cart-recovery/subject/${identity.assumedRoleArn}`,
      scopes: (form.scope ?? CLOUD_PLATFORM).split(' '),
      expiresAt: Date.now() + expiresIn * 1000,
      awsRole,
    });
    return [
      200,
      {
        access_token: token,
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        token_type: 'Bearer',
        expires_in: expiresIn,
      },
    ];
  }

  function generateAccessToken(email: string, req: IncomingMessage, text: string): [number, unknown] {
    let caller: AccessTokenInfo;
    try {
      caller = check(req.headers.authorization, CLOUD_PLATFORM);
    } catch (error) {
      const refusal = error as GoogleAuthRefusal;
      return [refusal.code, apiError(refusal.code, refusal.status, refusal.message)];
    }
    if (email !== account.client_email || !caller.awsRole || !bindings.has(caller.awsRole)) {
      return [
        403,
        apiError(
          403,
          'PERMISSION_DENIED',
          `Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).`,
          'IAM_PERMISSION_DENIED',
        ),
      ];
    }
    const body = JSON.parse(text || '{}') as { scope?: string[]; lifetime?: string };
    if (!Array.isArray(body.scope) || body.scope.length === 0) {
      return [400, apiError(400, 'INVALID_ARGUMENT', 'Scope required.')];
    }
    const seconds = Number(/^(\d+)s$/.exec(body.lifetime ?? '3600s')?.[1] ?? 3600);
    const expiresAt = Date.now() + Math.min(seconds, 3600) * 1000;
    const token = issue({ principal: account.client_email, scopes: body.scope, expiresAt });
    return [200, { accessToken: token, expireTime: new Date(expiresAt).toISOString() }];
  }

  function check(authorization: string | undefined, scope: string): AccessTokenInfo {
    const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    const info = token ? tokens.get(token) : undefined;
    if (!info || info.expiresAt <= Date.now()) {
      throw new GoogleAuthRefusal(
        401,
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      );
    }
    if (!info.scopes.includes(scope) && !info.scopes.includes(CLOUD_PLATFORM)) {
      throw new GoogleAuthRefusal(
        403,
        'PERMISSION_DENIED',
        'Request had insufficient authentication scopes.',
      );
    }
    return info;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const root = `http://127.0.0.1:${port}`;
  return {
    tokenUrl: `${root}/token`,
    stsUrl: `${root}/v1/token`,
    serviceAccount: account,
    projectNumber,
    requests,
    audience,
    externalAccountConfig: () => ({
      universe_domain: 'googleapis.com',
      type: 'external_account',
      audience,
      subject_token_type: AWS_SUBJECT,
      service_account_impersonation_url: `${root}/v1/projects/-/serviceAccounts/${account.client_email}:generateAccessToken`,
      token_url: `${root}/v1/token`,
      credential_source: {
        environment_id: 'aws1',
        region_url: 'http://169.254.169.254/latest/meta-data/placement/availability-zone',
        url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials',
        regional_cred_verification_url:
          'https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15',
      },
    }),
    addAwsIdentity(roleName, { bound = true } = {}) {
      const identity: FakeAwsIdentity = {
        accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
        secretAccessKey: randomBytes(30).toString('base64'),
        sessionToken: randomBytes(60).toString('base64'),
        assumedRoleArn: `arn:aws:sts::${awsAccountId}:assumed-role/${roleName}/${roleName}-session`,
      };
      identities.set(identity.accessKeyId, identity);
      if (bound) bindings.add(`arn:aws:sts::${awsAccountId}:assumed-role/${roleName}`);
      return identity;
    },
    check,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * What AWS STS would check of a signed GetCallerIdentity request, done here with the identity's
 * secret: the URL, the target-resource header naming the provider, and the SigV4 signature.
 * Returns the identity, or why the request is refused.
 */
function checkCallerIdentityRequest(
  request: { url?: string; method?: string; headers?: { key: string; value: string }[] },
  identities: ReadonlyMap<string, FakeAwsIdentity>,
  audience: string,
): FakeAwsIdentity | string {
  const url = new URL(request.url ?? 'invalid:');
  const region = /^sts\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.host)?.[1];
  if (url.protocol !== 'https:' || !region) return 'The subject token must be a regional AWS STS request.';
  if (url.searchParams.get('Action') !== 'GetCallerIdentity')
    return 'The subject token must call GetCallerIdentity.';
  if (request.method !== 'POST') return 'The subject token must be a POST.';
  const headers = new Map((request.headers ?? []).map(({ key, value }) => [key.toLowerCase(), value]));
  const target = headers.get('x-goog-cloud-target-resource');
  if (target !== audience && target !== `https:${audience}`) {
    return 'x-goog-cloud-target-resource must name the workload identity provider.';
  }
  const auth =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/sts\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      headers.get('authorization') ?? '',
    );
  if (!auth) return 'The subject token is not signed with AWS Signature Version 4.';
  const [, accessKeyId = '', date = '', signedRegion = '', signedHeaders = '', signature = ''] = auth;
  const identity = identities.get(accessKeyId);
  if (!identity) return 'The security token included in the request is invalid.';
  if (signedRegion !== region) return 'The request is signed for another Region.';
  if (headers.get('x-amz-security-token') !== identity.sessionToken)
    return 'The session token is missing or wrong.';
  const amzDate = headers.get('x-amz-date') ?? '';
  const canonicalQuery = [...url.searchParams]
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .sort()
    .join('&');
  const names = signedHeaders.split(';');
  const canonicalHeaders = names
    .map(
      (name) =>
        `${name}:${name === 'host' ? (headers.get('host') ?? url.host) : (headers.get(name) ?? '').trim()}\n`,
    )
    .join('');
  const canonicalRequest = [
    'POST',
    url.pathname || '/',
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    sha256(''),
  ].join('\n');
  const scope = `${date}/${region}/sts/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${identity.secretAccessKey}`, date);
  for (const part of [region, 'sts', 'aws4_request']) key = hmac(key, part);
  if (hmac(key, toSign).toString('hex') !== signature) {
    return 'The request signature we calculated does not match the signature you provided.';
  }
  return identity;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function hmac(key: string | Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}

function formOrJson(req: IncomingMessage, text: string): Record<string, string> {
  if ((req.headers['content-type'] ?? '').includes('json')) return JSON.parse(text || '{}');
  return Object.fromEntries(new URLSearchParams(text));
}

/** Google's JSON error body; an ErrorInfo detail when a reason is given. */
export function apiError(code: number, status: string, message: string, reason?: string) {
  return {
    error: {
      code,
      message,
      status,
      ...(reason
        ? {
            details: [
              { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'iam.googleapis.com' },
            ],
          }
        : {}),
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}
