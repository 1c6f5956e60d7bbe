import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '#engine/handlers/config.js';
import {
  type AwsCredentialSource,
  googleCredentialsFrom,
  serviceAccountEmail,
} from '#sheets-sync/google-auth.js';
import { GoogleRulesSheet, GoogleSheetsError } from '#sheets-sync/google-sheets.js';
import { type GoogleApiServer, startGoogleApiServer } from '#test/peers/google-api-server.js';
import type { FakeAwsIdentity } from '#test/peers/google-auth-server.js';

let google: GoogleApiServer;
let sheets = 0;

beforeAll(async () => {
  google = await startGoogleApiServer();
});

afterAll(async () => {
  await google?.stop();
});

/** The Lambda role's identity as the AWS SDK would hand it over: nothing here reaches AWS. */
const awsSource = (
  identity: Pick<FakeAwsIdentity, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>,
): AwsCredentialSource => ({
  region: async () => 'us-east-1',
  credentials: async () => ({
    accessKeyId: identity.accessKeyId,
    secretAccessKey: identity.secretAccessKey,
    sessionToken: identity.sessionToken,
  }),
});

function keylessSheet(aws: AwsCredentialSource) {
  const spreadsheetId = `keyless-${++sheets}-abcdefghij`;
  google.addSpreadsheet(spreadsheetId, { Rules: [['Name']] });
  const credentials = googleCredentialsFrom(
    { externalAccount: google.auth.externalAccountConfig() },
    'cart-recovery',
  );
  return new GoogleRulesSheet({
    spreadsheetId,
    credentials,
    aws,
    rootUrl: google.rootUrl,
    sleep: async () => {},
  });
}

const count = (endpoint: string) => google.auth.requests.filter((r) => r.endpoint === endpoint).length;

describe('keyless login (workload identity federation from AWS)', () => {
  it('trades a signed GetCallerIdentity at STS, impersonates the service account, and reuses the token', async () => {
    // Prepare
    const role = google.auth.addAwsIdentity('cart-recovery-sync-role');
    const sheet = keylessSheet(awsSource(role));
    const before = { sts: count('sts'), iam: count('generateAccessToken'), token: count('token') };

    // Act
    const first = await sheet.readRules();
    await sheet.readRules();

    // Assess
    expect(first.rows).toEqual([['Name']]);
    expect(count('sts') - before.sts).toBe(1);
    expect(count('generateAccessToken') - before.iam).toBe(1);
    expect(count('token') - before.token).toBe(0);
  });

  it('is refused when the role is not allowed to act as the service account, and says so', async () => {
    // Prepare
    const role = google.auth.addAwsIdentity('some-other-role', { bound: false });
    const sheet = keylessSheet(awsSource(role));

    // Act
    const failure = (await sheet.readRules().catch((error: unknown) => error)) as GoogleSheetsError;

    // Assess
    expect(failure).toBeInstanceOf(GoogleSheetsError);
    expect(failure.status).toBe(403);
    expect(failure.reason).toBe('IAM_PERMISSION_DENIED');
    expect(failure.hint).toContain(`act as ${google.serviceAccount.client_email}`);
  });

  it('is refused at STS when the AWS request is not signed with the role’s secret', async () => {
    // Prepare
    const role = google.auth.addAwsIdentity('cart-recovery-nightly-role');
    const sheet = keylessSheet(
      awsSource({ ...role, secretAccessKey: 'not-the-secret-of-this-key-0000000000' }),
    );

    // Act
    const failure = (await sheet.readRules().catch((error: unknown) => error)) as GoogleSheetsError;

    // Assess
    expect(failure).toBeInstanceOf(GoogleSheetsError);
    expect(failure.reason).toBe('invalid_grant');
    expect(failure.temporary).toBe(false);
  });
});

describe('googleCredentialsFrom', () => {
  const externalAccount = {
    type: 'external_account',
    audience:
      '//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/cart-recovery/providers/aws',
    subject_token_type: 'urn:ietf:params:aws:token-type:aws4_request',
    service_account_impersonation_url:
      'https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/cart-recovery@p.iam.gserviceaccount.com:generateAccessToken',
    token_url: 'https://sts.googleapis.com/v1/token',
    credential_source: { environment_id: 'aws1' },
  };

  it('prefers the keyless configuration, given as an object or as its JSON text', () => {
    const key = { client_email: 'key@p.iam.gserviceaccount.com', private_key: 'k' };
    for (const given of [externalAccount, JSON.stringify(externalAccount)]) {
      const credentials = googleCredentialsFrom({ serviceAccount: key, externalAccount: given }, 's');
      expect(credentials.kind).toBe('workload-identity');
      expect(serviceAccountEmail(credentials)).toBe('cart-recovery@p.iam.gserviceaccount.com');
    }
    expect(serviceAccountEmail(googleCredentialsFrom({ serviceAccount: key }, 's'))).toBe(key.client_email);
  });

  it('names what is wrong, never a value', () => {
    const broken = {
      ...externalAccount,
      service_account_impersonation_url: undefined,
      audience: 'secret-ish',
    };
    const failure = (() => {
      try {
        googleCredentialsFrom({ externalAccount: broken }, 'cart-recovery');
      } catch (error) {
        return error as Error;
      }
    })();
    expect(failure).toBeInstanceOf(ConfigError);
    expect(failure?.message).toContain(
      'google.externalAccount audience must be //iam.googleapis.com/projects/',
    );
    expect(failure?.message).toContain('google.externalAccount service_account_impersonation_url');
    expect(failure?.message).not.toContain('secret-ish');
    expect(() => googleCredentialsFrom(undefined, 'cart-recovery')).toThrow(/neither google.externalAccount/);
  });
});
