/**
 * What `@aws-sdk/credential-provider-node` becomes in the Lambda bundles, and only there (an esbuild
 * alias in lambda-build.ts; the local stack, the CLI and the tests import the SDK's own chain).
 *
 * Why this is safe in Lambda: the SDK's default chain tries the environment first, and Lambda always
 * starts a function with its execution role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
 * and AWS_SESSION_TOKEN, valid for the life of the execution environment. The chain's later links
 * (SSO, ~/.aws files, `credential_process`, web identity tokens, ECS/IMDS endpoints) never run there,
 * yet they cost each bundle about 100 KB (the SSO/STS/sign-in clients come with them) and their load.
 * The one case the chain would not read the environment first, AWS_PROFILE, needs ~/.aws files, which
 * Lambda does not have. If a function ever ran where credentials come from elsewhere (a container
 * credentials endpoint, say), its first AWS call would fail with the error below, not silently.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { CredentialsProviderError, memoize } from '@smithy/core/config';

type FromEnvInit = NonNullable<Parameters<typeof fromEnv>[0]>;
type Credentials = Awaited<ReturnType<ReturnType<typeof fromEnv>>>;

/** The variables Lambda sets; the session token is optional, as in the SDK. */
export const LAMBDA_CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
] as const;

/** Credentials due to expire within five minutes are read again, as the SDK's chain does. */
export const credentialsTreatedAsExpired = (credentials?: Credentials): boolean =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;

/** Only credentials with an expiry are ever read again (Lambda's have none). */
export const credentialsWillNeedRefresh = (credentials?: Credentials): boolean =>
  credentials?.expiration !== undefined;

/**
 * The SDK clients' default credential provider, reduced to the environment: the SDK's own `fromEnv`
 * (same variables, same credential object, same user-agent feature mark), memoized per client as the
 * SDK's chain memoizes, and failing with the names of the variables when they are missing.
 * @example new DynamoDBClient({ credentialDefaultProvider: defaultProvider }) // what the alias does
 */
export const defaultProvider = (init: FromEnvInit = {}) =>
  memoize(
    async () => {
      try {
        return await fromEnv(init)();
      } catch (cause) {
        // fromEnv fails only when a variable is missing; say which ones this bundle reads.
        if (!(cause instanceof CredentialsProviderError)) throw cause;
        const error = new CredentialsProviderError(
          `No AWS credentials in the environment: this Lambda bundle reads only ${LAMBDA_CREDENTIAL_VARIABLES.join(', ')} (the last optional), which Lambda sets from the function's role`,
          { logger: init.logger, tryNextLink: false },
        );
        throw Object.assign(error, { cause });
      }
    },
    credentialsTreatedAsExpired,
    credentialsWillNeedRefresh,
  );
