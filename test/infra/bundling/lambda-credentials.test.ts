import { defaultProvider as sdkDefaultProvider } from '@aws-sdk/credential-provider-node';
import { CredentialsProviderError } from '@smithy/core/config';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultProvider } from '../../../infra/bundling/lambda-credentials.js';

// What Lambda puts in a function's environment (the values are made up).
const LAMBDA_ENV = {
  AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEKEYID0001',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjEXAMPLETOKEN',
};

function setEnv(values: Partial<Record<string, string | undefined>>): void {
  for (const [name, value] of Object.entries(values)) vi.stubEnv(name, value);
}

describe('the Lambda credential provider', () => {
  beforeEach(() => {
    // Nothing from the machine running the tests may leak in.
    setEnv({
      AWS_PROFILE: undefined,
      AWS_CREDENTIAL_EXPIRATION: undefined,
      AWS_CREDENTIAL_SCOPE: undefined,
      AWS_ACCOUNT_ID: undefined,
    });
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("returns what the SDK's own default chain returns for Lambda's variables", async () => {
    setEnv(LAMBDA_ENV);

    const ours = await defaultProvider()();
    const sdks = await sdkDefaultProvider()();

    expect(ours).toEqual(sdks);
    expect(ours).toMatchObject({
      accessKeyId: LAMBDA_ENV.AWS_ACCESS_KEY_ID,
      secretAccessKey: LAMBDA_ENV.AWS_SECRET_ACCESS_KEY,
      sessionToken: LAMBDA_ENV.AWS_SESSION_TOKEN,
    });
  });

  it('leaves the session token out when there is none, as the SDK does', async () => {
    setEnv({ ...LAMBDA_ENV, AWS_SESSION_TOKEN: undefined });

    const ours = await defaultProvider()();

    expect(ours).toEqual(await sdkDefaultProvider()());
    expect(ours).not.toHaveProperty('sessionToken');
  });

  it('reads the variables once per client, and again when the SDK forces a refresh', async () => {
    setEnv(LAMBDA_ENV);
    const provider = defaultProvider();
    await provider();

    setEnv({ AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEKEYID0002' });

    expect((await provider()).accessKeyId).toBe(LAMBDA_ENV.AWS_ACCESS_KEY_ID);
    expect((await provider({ forceRefresh: true })).accessKeyId).toBe('ASIAEXAMPLEKEYID0002');
  });

  it('fails with the names of the variables it reads when they are missing', async () => {
    setEnv({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SESSION_TOKEN: undefined });

    const failure = defaultProvider()();

    await expect(failure).rejects.toBeInstanceOf(CredentialsProviderError);
    await expect(failure).rejects.toThrow(/AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN/);
    await expect(failure).rejects.toMatchObject({ tryNextLink: false });
  });

  it('fails when only the secret is missing, as the SDK would not sign without it', async () => {
    setEnv({ ...LAMBDA_ENV, AWS_SECRET_ACCESS_KEY: undefined });

    await expect(defaultProvider()()).rejects.toThrow(/No AWS credentials in the environment/);
  });
});
