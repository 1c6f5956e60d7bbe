/**
 * What `@aws-sdk/token-providers` becomes for the Bedrock client in the Lambda bundles, and only
 * there (`bedrockTokenPlugin` in sdk-plugins.ts). The Bedrock client signs with SigV4 and the
 * function's role; it uses a bearer token only when told to (AWS_BEARER_TOKEN_BEDROCK or
 * AWS_AUTH_SCHEME_PREFERENCE), and then reads it from the environment first (`fromEnvSigningName`,
 * kept as the SDK's own) and, failing that, from an IAM Identity Center (SSO) login cached under
 * ~/.aws/sso (`nodeProvider`). Lambda has no such cache, so that last step could only fail there;
 * here it fails at once, saying why, and the SSO-OIDC client it would load (about 20 KB) stays out.
 */
import { TokenProviderError } from '@smithy/core/config';

export { fromEnvSigningName } from '@aws-sdk/token-providers';

/** Always fails: Lambda has no cached SSO login to read a token from. */
export const nodeProvider = () => async (): Promise<never> => {
  throw new TokenProviderError(
    'No bearer token: this Lambda bundle reads one only from AWS_BEARER_TOKEN_BEDROCK (there is no SSO login cache in Lambda)',
    { tryNextLink: false },
  );
};
