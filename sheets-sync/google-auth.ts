/**
 * How the engine logs in to Google, one of two ways, both giving an ordinary OAuth 2.0 access token
 * that google-auth-library caches until it is about to expire:
 *
 * - **Keyless (workload identity federation from AWS).** The function's own AWS role signs an STS
 *   `GetCallerIdentity` request (nothing is sent to AWS); Google's STS trades it for a federated
 *   token, which IAM Credentials `generateAccessToken` trades for a one-hour token of the service
 *   account. The secret holds only the credential configuration `gcloud iam workload-identity-pools
 *   create-cred-config --aws` writes (no secret in it) as `google.externalAccount`.
 * - **A service account key** in the secret as `google.serviceAccount`: a JWT signed with the key is
 *   traded at the OAuth token endpoint (RFC 7523 JWT bearer grant) for an access token. The
 *   self-signed-JWT shortcut (`useJWTAccessWithScope`) is not used: Google does not promise it for
 *   Drive or Sheets (AIP-4111).
 *
 * When the secret holds both, the keyless configuration is used.
 */
import { AwsClient, type AwsSecurityCredentialsSupplier, JWT } from 'google-auth-library';
import * as z from 'zod';
import { ConfigError } from '#engine/handlers/config.js';

/** Where Google's OAuth token endpoint is (the JWT bearer grant is posted here). */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/** The fields of a service account key file the engine uses. */
export interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  private_key_id?: string;
}

const httpsUrl = z.url({ protocol: /^https?$/, error: 'must be a URL' });

/**
 * The credential configuration Google hands out for an AWS provider (`type: external_account`),
 * as far as the engine reads it. Its `credential_source` is not used: the function's credentials
 * come from the AWS SDK's own chain (see `AwsCredentialSource`).
 */
export const externalAccountSchema = z.looseObject({
  type: z.literal('external_account', { error: 'type must be external_account' }),
  audience: z
    .string()
    .regex(
      /^\/\/iam\.googleapis\.com\/projects\/\d+\/locations\/global\/workloadIdentityPools\/[^/]+\/providers\/[^/]+$/,
      {
        error:
          'audience must be //iam.googleapis.com/projects/<project number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>',
      },
    ),
  subject_token_type: z.literal('urn:ietf:params:aws:token-type:aws4_request', {
    error: 'subject_token_type must be urn:ietf:params:aws:token-type:aws4_request (an AWS provider)',
  }),
  token_url: httpsUrl.default('https://sts.googleapis.com/v1/token'),
  // Required here: the sheet and the Doc are shared with the service account, so the federated
  // identity must act as it.
  service_account_impersonation_url: httpsUrl.regex(/\/serviceAccounts\/[^/:]+@[^/:]+:generateAccessToken$/, {
    error:
      'service_account_impersonation_url must end in /serviceAccounts/<service account email>:generateAccessToken (create-cred-config --service-account)',
  }),
});

export type ExternalAccountConfig = z.output<typeof externalAccountSchema>;

const serviceAccountKeySchema = z.looseObject({
  client_email: z.string().min(3),
  private_key: z.string().min(1),
  private_key_id: z.string().optional(),
});

/** One of the engine's two ways to Google, as read from the secret. */
export type GoogleCredentials =
  | { kind: 'service-account-key'; key: ServiceAccountKey }
  | { kind: 'workload-identity'; config: ExternalAccountConfig };

/**
 * The AWS identity the keyless login signs with: the function role's credentials and Region.
 * An AWS SDK client's resolved config fits it (`client.config`), so the SDK's own provider chain
 * (Lambda's environment, refreshed as it sees fit) is reused; tests pass fixed values.
 */
export interface AwsCredentialSource {
  region: () => Promise<string>;
  credentials: () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>;
}

/**
 * The Google credentials in the secret's `google` object: `externalAccount` (keyless, preferred)
 * or `serviceAccount` (a key; its JSON text is accepted too).
 * @throws ConfigError naming what is missing or malformed (never a value).
 */
export function googleCredentialsFrom(google: unknown, secretId: string): GoogleCredentials {
  const section = (google ?? {}) as Record<string, unknown>;
  const where = `the secret ${secretId}`;
  if (section.externalAccount !== undefined) {
    const parsed = externalAccountSchema.safeParse(jsonOrValue(section.externalAccount));
    if (!parsed.success) {
      throw new ConfigError(
        parsed.error.issues.map((issue) => {
          const field = String(issue.path[0] ?? '');
          // Zod's own messages ("must be a URL") do not name the field; ours do.
          const message = issue.message.startsWith(field) ? issue.message : `${field} ${issue.message}`;
          return `${where}: google.externalAccount ${message}`;
        }),
      );
    }
    return { kind: 'workload-identity', config: parsed.data };
  }
  if (section.serviceAccount !== undefined) {
    const parsed = serviceAccountKeySchema.safeParse(jsonOrValue(section.serviceAccount));
    if (!parsed.success) {
      throw new ConfigError([`${where}: google.serviceAccount must be the service account key (JSON)`]);
    }
    return { kind: 'service-account-key', key: parsed.data };
  }
  throw new ConfigError([
    `${where} has neither google.externalAccount (keyless: docs/DEPLOY.md, "Connect Google") nor google.serviceAccount (a key)`,
  ]);
}

/**
 * The service account the engine acts as: the key's `client_email`, or the one the keyless
 * configuration impersonates. The owner shares the sheet and the Doc with it.
 * @example serviceAccountEmail(credentials) // 'cart-recovery@my-project.iam.gserviceaccount.com'
 */
export function serviceAccountEmail(credentials: GoogleCredentials): string {
  if (credentials.kind === 'service-account-key') return credentials.key.client_email;
  const match = /\/serviceAccounts\/([^/:]+):generateAccessToken$/.exec(
    credentials.config.service_account_impersonation_url,
  );
  return decodeURIComponent(match?.[1] ?? '');
}

export interface GoogleAuthOptions {
  /** The OAuth token endpoint; default Google's. A local server in tests. */
  tokenUrl?: string;
  /** The AWS identity for the keyless login (required for it). */
  aws?: AwsCredentialSource;
}

/**
 * An auth client for `credentials` with `scopes`: a JWT bearer client for a key, an AwsClient for
 * the keyless configuration.
 * @throws TypeError for the keyless kind without `options.aws`.
 */
export function googleAuthClient(
  credentials: GoogleCredentials,
  scopes: readonly string[],
  options: GoogleAuthOptions = {},
): JWT | AwsClient {
  if (credentials.kind === 'service-account-key') {
    return serviceAccountAuth(credentials.key, scopes, options.tokenUrl);
  }
  if (!options.aws) throw new TypeError('the keyless Google login needs the AWS credential source');
  return workloadIdentityAuth(credentials.config, scopes, options.aws);
}

/**
 * A service-account client that trades a key-signed JWT for an access token at the token endpoint,
 * and keeps it until shortly before it expires.
 */
export function serviceAccountAuth(
  key: ServiceAccountKey,
  scopes: readonly string[],
  tokenUrl: string = GOOGLE_TOKEN_URL,
): JWT {
  const jwt = new JWT({
    email: key.client_email,
    key: key.private_key,
    ...(key.private_key_id ? { keyId: key.private_key_id } : {}),
    scopes: [...scopes],
  });
  if (tokenUrl !== GOOGLE_TOKEN_URL) {
    // The library posts the grant to Google's fixed URL (and signs it with that audience); a local
    // stand-in for the endpoint is reached by rewriting only that one request.
    jwt.transporter.interceptors.request.add({
      resolved: async (config) => {
        if (config.url.href === GOOGLE_TOKEN_URL) config.url = new URL(tokenUrl);
        return config;
      },
    });
  }
  return jwt;
}

/**
 * The keyless client: signs GetCallerIdentity with the AWS identity from `aws`, exchanges it at the
 * configuration's STS `token_url`, then impersonates the service account.
 */
export function workloadIdentityAuth(
  config: ExternalAccountConfig,
  scopes: readonly string[],
  aws: AwsCredentialSource,
): AwsClient {
  const supplier: AwsSecurityCredentialsSupplier = {
    getAwsRegion: () => aws.region(),
    getAwsSecurityCredentials: async () => {
      const { accessKeyId, secretAccessKey, sessionToken } = await aws.credentials();
      return { accessKeyId, secretAccessKey, ...(sessionToken ? { token: sessionToken } : {}) };
    },
  };
  return new AwsClient({
    type: 'external_account',
    audience: config.audience,
    subject_token_type: config.subject_token_type,
    token_url: config.token_url,
    service_account_impersonation_url: config.service_account_impersonation_url,
    scopes: [...scopes],
    aws_security_credentials_supplier: supplier,
  });
}

function jsonOrValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
