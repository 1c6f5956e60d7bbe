import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  clearSecretsCache,
  loadSecrets,
  SecretsConfigError,
  SecretsUnavailableError,
} from '#engine/adapters/secrets-manager-config.js';
import { type LocalSecretsManager, startLocalSecretsManager } from '#engine/local/secrets-server.js';

const GOOD = {
  webhookSecret: 'whsec-0123456789abcdef',
  ownerSecret: 'owner-0123456789abcdef',
  unsubscribeKey: 'unsub-0123456789abcdef',
};
const SERVICE_ACCOUNT = {
  type: 'service_account',
  client_email: 'sync@acme-project.iam.gserviceaccount.com',
  private_key: '-----BEGIN PRIVATE KEY-----\nMIIE...\n-----END PRIVATE KEY-----\n',
};

const STORES = {
  shopify: { clientSecret: 'shpss_0123456789abcdef0123456789' },
  woocommerce: { webhookSecret: 'wc-secret-0123456789abcdef' },
  stripe: { webhookSecret: 'whsec_0123456789abcdef0123', restrictedKey: 'rk_live_0123456789abcdef' },
};

describe('loadSecrets', () => {
  let server: LocalSecretsManager;
  let client: SecretsManagerClient;

  beforeAll(async () => {
    server = await startLocalSecretsManager({
      host: '127.0.0.1',
      secrets: {
        'cart-recovery/good': JSON.stringify(GOOD),
        'cart-recovery/with-google': JSON.stringify({
          ...GOOD,
          google: { serviceAccount: JSON.stringify(SERVICE_ACCOUNT), spreadsheetId: 'sheet-1' },
        }),
        'cart-recovery/missing': JSON.stringify({ webhookSecret: GOOD.webhookSecret, ownerSecret: 42 }),
        'cart-recovery/short': JSON.stringify({ ...GOOD, unsubscribeKey: 'hunter2' }),
        'cart-recovery/bad-google': JSON.stringify({ ...GOOD, google: { serviceAccount: { type: 'x' } } }),
        'cart-recovery/not-json': 'hunter2-plain-text',
        'cart-recovery/stores': JSON.stringify({ ...GOOD, ...STORES }),
        'cart-recovery/bad-stores': JSON.stringify({
          ...GOOD,
          shopify: { clientSecret: 'short' },
          woocommerce: 'wc-secret-0123456789abcdef',
          stripe: { webhookSecret: 'not-a-whsec-0123456789', restrictedKey: 'pk_live_0123456789abcdef' },
        }),
      },
    });
    client = new SecretsManagerClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    client.destroy();
    await server.stop();
  });

  beforeEach(() => {
    clearSecretsCache();
  });

  it('reads and validates a good secret', async () => {
    // Act
    const secrets = await loadSecrets({ client, secretId: 'cart-recovery/good' });

    // Assess
    expect(secrets).toEqual(GOOD);
  });

  it('reads the Google service account, given as the key file text', async () => {
    // Act
    const secrets = await loadSecrets({ client, secretId: 'cart-recovery/with-google' });

    // Assess
    expect(secrets.google).toEqual({ serviceAccount: SERVICE_ACCOUNT, spreadsheetId: 'sheet-1' });
  });

  it("reads each store platform's secrets, each in its own object", async () => {
    // Act
    const secrets = await loadSecrets({ client, secretId: 'cart-recovery/stores' });

    // Assess
    expect(secrets).toEqual({ ...GOOD, ...STORES });
  });

  it('names each malformed store platform field (a publishable key, a secret that is not whsec_) without quoting it', async () => {
    // Act
    const error = await loadSecrets({ client, secretId: 'cart-recovery/bad-stores' }).catch(
      (e: unknown) => e,
    );

    // Assess
    expect((error as SecretsConfigError).errors).toEqual([
      { path: 'shopify.clientSecret', message: 'must be at least 16 characters' },
      { path: 'woocommerce', message: 'must be an object' },
      { path: 'stripe.webhookSecret', message: 'must be the endpoint signing secret (whsec_…)' },
      { path: 'stripe.restrictedKey', message: 'must be a Stripe API key, best a restricted one (rk_…)' },
    ]);
    expect((error as Error).message).not.toContain('pk_live');
  });

  it('reads the secret once per process', async () => {
    // Prepare
    const seen: string[] = [];
    const before = server.requests.GetSecretValue ?? 0;

    // Act
    const [a, b] = await Promise.all([
      loadSecrets({ client, secretId: 'cart-recovery/good', onRequest: (op) => seen.push(op) }),
      loadSecrets({ client, secretId: 'cart-recovery/good', onRequest: (op) => seen.push(op) }),
    ]);
    const c = await loadSecrets({ client, secretId: 'cart-recovery/good', onRequest: (op) => seen.push(op) });

    // Assess
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(seen).toEqual(['GetSecretValue']);
    expect((server.requests.GetSecretValue ?? 0) - before).toBe(1);
  });

  it('names each missing or malformed field and never echoes a value', async () => {
    // Act
    const error = await loadSecrets({ client, secretId: 'cart-recovery/missing' }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SecretsConfigError);
    const config = error as SecretsConfigError;
    expect(config.errors).toEqual([
      { path: 'ownerSecret', message: 'must be a string' },
      { path: 'unsubscribeKey', message: 'is missing' },
    ]);
    expect(config.message).toContain('cart-recovery/missing');
    expect(config.message).toContain('unsubscribeKey: is missing');
    expect(config.message).not.toContain(GOOD.webhookSecret);
    expect(config.message).not.toContain('42');
  });

  it('refuses a secret too short to be a key without quoting it', async () => {
    // Act
    const error = await loadSecrets({ client, secretId: 'cart-recovery/short' }).catch((e: unknown) => e);

    // Assess
    expect((error as SecretsConfigError).errors).toEqual([
      { path: 'unsubscribeKey', message: 'must be at least 16 characters' },
    ]);
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('names the missing fields of a Google service account', async () => {
    // Act
    const error = await loadSecrets({ client, secretId: 'cart-recovery/bad-google' }).catch(
      (e: unknown) => e,
    );

    // Assess
    expect((error as SecretsConfigError).errors.map((e) => e.path)).toEqual([
      'google.serviceAccount.client_email',
      'google.serviceAccount.private_key',
    ]);
  });

  it('refuses a SecretString that is not JSON without quoting it', async () => {
    // Act
    const error = await loadSecrets({ client, secretId: 'cart-recovery/not-json' }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SecretsConfigError);
    expect((error as Error).message).not.toContain('hunter2');
    expect((error as Error).cause).toBeUndefined();
  });

  it('fails with SecretsUnavailableError for an unknown secret id, and tries again on the next call', async () => {
    // Prepare
    const secretId = 'cart-recovery/later';

    // Act
    const error = await loadSecrets({ client, secretId }).catch((e: unknown) => e);
    await client.send(new CreateSecretCommand({ Name: secretId, SecretString: JSON.stringify(GOOD) }));
    const secrets = await loadSecrets({ client, secretId });

    // Assess
    expect(error).toBeInstanceOf(SecretsUnavailableError);
    expect(error).toMatchObject({ code: 'ResourceNotFoundException' });
    expect(((error as Error).cause as Error).name).toBe('ResourceNotFoundException');
    expect(secrets).toEqual(GOOD);
  });
});

describe('startLocalSecretsManager', () => {
  let server: LocalSecretsManager;
  let client: SecretsManagerClient;

  beforeAll(async () => {
    server = await startLocalSecretsManager({ host: '127.0.0.1', secrets: { existing: 'v1' } });
    client = new SecretsManagerClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    client.destroy();
    await server.stop();
  });

  it('serves the newest value after PutSecretValue, by name or ARN', async () => {
    // Act
    const put = await client.send(new PutSecretValueCommand({ SecretId: 'existing', SecretString: 'v2' }));
    const byName = await client.send(new GetSecretValueCommand({ SecretId: 'existing' }));
    const byArn = await client.send(new GetSecretValueCommand({ SecretId: put.ARN }));

    // Assess
    expect(byName).toMatchObject({ Name: 'existing', SecretString: 'v2', VersionId: put.VersionId });
    expect(byName.VersionStages).toEqual(['AWSCURRENT']);
    expect(byName.CreatedDate).toBeInstanceOf(Date);
    expect(byArn.SecretString).toBe('v2');
    expect(put.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:\d{12}:secret:existing-\w{6}$/);
  });

  it('refuses to create a secret twice', async () => {
    // Act
    const error = await client
      .send(new CreateSecretCommand({ Name: 'existing', SecretString: 'again' }))
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ResourceExistsException);
  });
});
