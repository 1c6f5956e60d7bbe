import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { CartRecoveryError, ValidationError } from '../domain/errors.js';
import { toFieldErrors } from '../domain/field-errors.js';

/** The Secrets Manager operations this adapter calls, for request counters. */
export type SecretsOperation = 'GetSecretValue';

const MIN_SECRET_CHARS = 16;

// Messages name the field and what it needs, never what it holds.
const secretText = z
  .string({ error: (issue) => (issue.input === undefined ? 'is missing' : 'must be a string') })
  .min(MIN_SECRET_CHARS, { error: `must be at least ${MIN_SECRET_CHARS} characters` });

const requiredString = z
  .string({ error: (issue) => (issue.input === undefined ? 'is missing' : 'must be a string') })
  .min(1, { error: 'must not be empty' });

const serviceAccountSchema = z.looseObject(
  { client_email: requiredString, private_key: requiredString },
  { error: 'must be the service account key (a JSON object)' },
);

const secretsSchema = z.object(
  {
    /** Verifies the store platform's webhook signatures. */
    webhookSecret: secretText,
    /** Signs the owner's one-click actions. */
    ownerSecret: secretText,
    /** Seals unsubscribe tokens. */
    unsubscribeKey: secretText,
    /** Shopify: the custom app's client secret, or the key under Settings > Notifications > Webhooks. */
    shopify: z.object({ clientSecret: secretText }, { error: 'must be an object' }).optional(),
    /** WooCommerce: the secret of the store's webhooks; the cart snippet signs with it too. */
    woocommerce: z.object({ webhookSecret: secretText }, { error: 'must be an object' }).optional(),
    /** Stripe: the endpoint's signing secret, and a restricted key that reads Checkout Sessions. */
    stripe: z
      .object(
        {
          webhookSecret: secretText.refine((s) => s.startsWith('whsec_'), {
            error: 'must be the endpoint signing secret (whsec_…)',
          }),
          restrictedKey: secretText.refine((s) => /^(rk|sk)_/.test(s), {
            error: 'must be a Stripe API key, best a restricted one (rk_…)',
          }),
        },
        { error: 'must be an object' },
      )
      .optional(),
    google: z
      .looseObject(
        {
          // Accepted as the key file's JSON text too, the way Google hands it out.
          serviceAccount: z.preprocess(parseJsonText, serviceAccountSchema).optional(),
          spreadsheetId: requiredString.optional(),
        },
        { error: 'must be an object' },
      )
      .optional(),
  },
  { error: 'must be a JSON object' },
);

/** The engine's secrets, validated. */
export type Secrets = z.infer<typeof secretsSchema>;

/** The secret's value is not what the engine needs; `errors` names each field, never a value. */
export class SecretsConfigError extends ValidationError {
  constructor(secretId: string, errors: ValidationError['errors']) {
    super(`The secret "${secretId}"`, errors);
    this.name = 'SecretsConfigError';
  }
}

/** Secrets Manager could not give the secret (unknown id, no access, unreachable). */
export class SecretsUnavailableError extends CartRecoveryError {
  readonly code: string;
  constructor(secretId: string, code: string, options?: { cause?: unknown }) {
    super(`The secret "${secretId}" could not be read (${code})`, options);
    this.name = 'SecretsUnavailableError';
    this.code = code;
  }
}

export interface LoadSecretsOptions {
  client: SecretsManagerClient;
  /** The secret's name or ARN. */
  secretId: string;
  /** Called before each request to Secrets Manager (benchmarks, metrics). */
  onRequest?: (operation: SecretsOperation) => void;
}

// Read once per cold start: keyed by secret id; a failed read is forgotten so the next call retries.
const loaded = new Map<string, Promise<Secrets>>();

/**
 * Reads the engine's secrets (a JSON SecretString) once per process and validates them.
 * @throws SecretsConfigError naming each missing or malformed field.
 * @throws SecretsUnavailableError when Secrets Manager does not give the secret.
 * @example const secrets = await loadSecrets({ client: new SecretsManagerClient({}), secretId: 'cart-recovery' })
 */
export function loadSecrets(options: LoadSecretsOptions): Promise<Secrets> {
  let secrets = loaded.get(options.secretId);
  if (!secrets) {
    secrets = read(options);
    loaded.set(options.secretId, secrets);
    secrets.catch(() => loaded.delete(options.secretId));
  }
  return secrets;
}

/** Forgets every secret read so far (tests; a rotation that must take effect without a cold start). */
export function clearSecretsCache(): void {
  loaded.clear();
}

async function read({ client, secretId, onRequest }: LoadSecretsOptions): Promise<Secrets> {
  onRequest?.('GetSecretValue');
  let text: string | undefined;
  try {
    ({ SecretString: text } = await client.send(new GetSecretValueCommand({ SecretId: secretId })));
  } catch (error) {
    throw new SecretsUnavailableError(secretId, error instanceof Error ? error.name : 'unknown error', {
      cause: error,
    });
  }
  if (text === undefined) {
    throw new SecretsConfigError(secretId, [
      { path: '', message: 'has no SecretString (binary secrets are not read)' },
    ]);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // No cause: JSON.parse's message quotes the text, which is the secret.
    throw new SecretsConfigError(secretId, [{ path: '', message: 'must be a JSON object' }]);
  }
  const result = secretsSchema.safeParse(doc);
  if (!result.success) throw new SecretsConfigError(secretId, toFieldErrors(result.error));
  return result.data;
}

function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
