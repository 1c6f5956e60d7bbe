/**
 * The store owner's Google Sheet, through the Sheets v4 REST API (@googleapis/sheets): reads the
 * Rules tab, writes the status cell, lays out a fresh Rules tab. Translates, nothing more; every
 * call is retried on 429 and 5xx with bounded, jittered back-off that honors Retry-After.
 *
 * Auth is a service account the owner shared the sheet with. Its key signs a self-signed JWT per
 * request (`useJWTAccessWithScope`), so no token endpoint is called.
 *
 * Keyless alternative, workload identity federation from AWS: instead of a key in the secret, create
 * a workload identity pool with an AWS provider for our account, and let the sync Lambda's role
 * impersonate the service account (roles/iam.workloadIdentityUser granted to
 * `principalSet://iam.googleapis.com/projects/<n>/locations/global/workloadIdentityPools/<pool>/attribute.aws_role/arn:aws:sts::<account>:assumed-role/<role>`).
 * Then pass an `AwsClient` from google-auth-library as `authClient`, built from the
 * `external_account` config Google hands out (it holds no secret, so it can live in the environment):
 *
 * ```ts
 * new AwsClient({
 *   type: 'external_account',
 *   audience: '//iam.googleapis.com/projects/<n>/locations/global/workloadIdentityPools/<pool>/providers/<provider>',
 *   subject_token_type: 'urn:ietf:params:aws:token-type:aws4_request',
 *   token_url: 'https://sts.googleapis.com/v1/token',
 *   service_account_impersonation_url:
 *     'https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/<sa-email>:generateAccessToken',
 *   credential_source: {
 *     environment_id: 'aws1',
 *     regional_cred_verification_url: 'https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15',
 *   },
 *   scopes: [SHEETS_SCOPE],
 * })
 * ```
 *
 * In Lambda the client signs a GetCallerIdentity request with the function role's credentials
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and AWS_REGION, which Lambda sets),
 * trades it at Google STS for a federated token, then for a one-hour service-account token. Nothing
 * else here changes; the `google.serviceAccount` field of the secret goes away.
 */
import { sheets, type sheets_v4 } from '@googleapis/sheets';
import { JWT } from 'google-auth-library';
import { CartRecoveryError } from '#engine/domain/errors.js';
import type { Logger } from '#engine/ports.js';
import type { CellValue, RulesTemplate, ValidationSpec } from './rules-sheet.js';
import type { RulesSheet } from './sync-rules.js';

export const SHEETS_SCOPE = 'https://www.googleapis.com/auth/spreadsheets';
export const DEFAULT_RULES_TAB = 'Rules';
/** Right of the tiers table (A:D), where the owner sees it next to the rules. */
export const DEFAULT_STATUS_CELL = 'F1';
/** A cell holds at most 50,000 characters; a status stays well under it. */
const MAX_STATUS_CHARS = 5_000;

/** The fields of a service account key file this adapter uses. */
export interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  private_key_id?: string;
}

/** An auth client the Sheets client accepts: a JWT, an OAuth2Client with a token, an AwsClient. */
export type GoogleAuthClient = NonNullable<sheets_v4.Options['auth']>;

export interface RetryOptions {
  /** Tries in all, the first included. Default 5. */
  attempts?: number;
  /** The first back-off ceiling; doubles each try. Default 500 ms. */
  baseDelayMs?: number;
  /** The back-off ceiling never grows past this. Default 8 s. */
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the call fails at once. Default 20 s. */
  maxRetryAfterMs?: number;
}

/** What every Google adapter takes besides its own settings: credentials, endpoint, back-off. */
export interface GoogleClientOptions {
  /** Sign requests with this key (self-signed JWT, no token endpoint)... */
  serviceAccount?: ServiceAccountKey;
  /** ...or with this client (tests; workload identity federation). */
  authClient?: GoogleAuthClient;
  /** The API's root, e.g. a local server in tests. Default Google's. */
  rootUrl?: string;
  retry?: RetryOptions;
  log?: Logger;
  /** Waits between tries (tests make it instant). */
  sleep?: (ms: number) => Promise<void>;
  /** 0 <= n < 1, for jitter. */
  random?: () => number;
  clock?: () => Date;
}

export interface GoogleRulesSheetOptions extends GoogleClientOptions {
  spreadsheetId: string;
  /** The tab holding the rules. Default "Rules". */
  tab?: string;
  /** "F1" (in the rules tab) or "Status!B2". Default F1. */
  statusCell?: string;
}

/** The back-off policy of a Google adapter, its defaults filled in. */
export function googleCallPolicy(options: GoogleClientOptions): GoogleCallPolicy {
  return {
    retry: {
      attempts: options.retry?.attempts ?? 5,
      baseDelayMs: options.retry?.baseDelayMs ?? 500,
      maxDelayMs: options.retry?.maxDelayMs ?? 8_000,
      maxRetryAfterMs: options.retry?.maxRetryAfterMs ?? 20_000,
    },
    log: options.log,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    random: options.random ?? Math.random,
    clock: options.clock ?? (() => new Date()),
  };
}

/** A Sheets API call failed for good: not retryable, out of tries, or told to wait too long. */
export class GoogleSheetsError extends CartRecoveryError {
  /** The HTTP status, when Google answered. */
  readonly status: number | undefined;
  constructor(operation: string, status: number | undefined, detail: string, options?: { cause?: unknown }) {
    super(`Google Sheets ${operation} failed${status ? ` (HTTP ${status})` : ''}: ${detail}`, options);
    this.name = 'GoogleSheetsError';
    this.status = status;
  }
}

/** The Sheets operations this adapter calls, for request counters. */
export const SHEETS_OPERATIONS = [
  'values.get',
  'values.update',
  'spreadsheets.get',
  'spreadsheets.batchUpdate',
] as const;
export type SheetsOperation = (typeof SHEETS_OPERATIONS)[number];

/**
 * A JWT client for a service account key that signs its own tokens (no call to oauth2.googleapis.com).
 * @example new GoogleRulesSheet({ spreadsheetId, authClient: serviceAccountAuth(secrets.google.serviceAccount) })
 */
export function serviceAccountAuth(key: ServiceAccountKey, scopes: readonly string[] = [SHEETS_SCOPE]): JWT {
  const jwt = new JWT({
    email: key.client_email,
    key: key.private_key,
    ...(key.private_key_id ? { keyId: key.private_key_id } : {}),
    scopes: [...scopes],
  });
  // Only works set on the client: the JWT constructor does not read it from its options.
  jwt.useJWTAccessWithScope = true;
  return jwt;
}

/**
 * The base of every Google adapter: the auth client (a service-account key's self-signed JWT, or the
 * client given), the back-off policy, and each call counted per operation, retries included.
 */
export abstract class GoogleAdapter<Operation extends string> {
  /** Requests sent (retries included), by operation. */
  readonly requests: Record<Operation, number>;
  protected readonly auth: GoogleAuthClient;
  protected readonly log: Logger | undefined;
  readonly #policy: GoogleCallPolicy;

  protected constructor(
    options: GoogleClientOptions,
    adapter: string,
    operations: readonly Operation[],
    scopes: readonly string[] = [SHEETS_SCOPE],
    failure?: GoogleCallPolicy['failure'],
  ) {
    const auth =
      options.authClient ?? (options.serviceAccount && serviceAccountAuth(options.serviceAccount, scopes));
    if (!auth) throw new TypeError(`${adapter} needs a serviceAccount key or an authClient`);
    this.auth = auth;
    this.log = options.log;
    this.#policy = { ...googleCallPolicy(options), ...(failure ? { failure } : {}) };
    this.requests = Object.fromEntries(operations.map((operation) => [operation, 0])) as Record<
      Operation,
      number
    >;
  }

  /** A Sheets v4 client without gaxios's own retries (they ignore Retry-After): `call` backs off. */
  protected sheetsApi(rootUrl: string | undefined): sheets_v4.Sheets {
    return sheets({ version: 'v4', auth: this.auth, ...(rootUrl ? { rootUrl } : {}), retry: false });
  }

  /** One API call through `callGoogle`, counted. */
  protected call<T>(operation: Operation, send: () => Promise<T>): Promise<T> {
    this.requests[operation] += 1;
    return callGoogle(operation, send, {
      ...this.#policy,
      onAttempt: () => {
        this.requests[operation] += 1;
      },
    });
  }
}

/**
 * The owner's Rules tab and status cell in one spreadsheet.
 * @example
 * const sheet = new GoogleRulesSheet({ spreadsheetId, serviceAccount: key });
 * const rows = await sheet.readRules();
 */
export class GoogleRulesSheet extends GoogleAdapter<SheetsOperation> implements RulesSheet {
  readonly #api: sheets_v4.Sheets;
  readonly #spreadsheetId: string;
  readonly #tab: string;
  readonly #statusRange: string;

  constructor(options: GoogleRulesSheetOptions) {
    super(options, 'GoogleRulesSheet', SHEETS_OPERATIONS);
    this.#api = this.sheetsApi(options.rootUrl);
    this.#spreadsheetId = options.spreadsheetId;
    this.#tab = options.tab ?? DEFAULT_RULES_TAB;
    const status = options.statusCell ?? DEFAULT_STATUS_CELL;
    this.#statusRange = status.includes('!') ? status : `${quoteTab(this.#tab)}!${status}`;
  }

  /** The Rules tab's columns A:D as unformatted values (numbers as numbers, times as day fractions). */
  async readRules(): Promise<CellValue[][]> {
    const response = await this.call('values.get', () =>
      this.#api.spreadsheets.values.get({
        spreadsheetId: this.#spreadsheetId,
        range: `${quoteTab(this.#tab)}!A:D`,
        valueRenderOption: 'UNFORMATTED_VALUE',
        dateTimeRenderOption: 'SERIAL_NUMBER',
        majorDimension: 'ROWS',
      }),
    );
    return (response.data.values ?? []) as CellValue[][];
  }

  /** Writes one text into the status cell, as typed text (never a formula), cut to a sane length. */
  async writeStatus(text: string): Promise<void> {
    const value = text.length > MAX_STATUS_CHARS ? `${text.slice(0, MAX_STATUS_CHARS - 1)}…` : text;
    await this.call('values.update', () =>
      this.#api.spreadsheets.values.update({
        spreadsheetId: this.#spreadsheetId,
        range: this.#statusRange,
        valueInputOption: 'RAW',
        requestBody: { range: this.#statusRange, majorDimension: 'ROWS', values: [[value]] },
      }),
    );
  }

  /**
   * Adds the Rules tab laid out from `template` (values, notes, validation, formats) when the
   * spreadsheet has none. An existing tab is left as it is: the owner's edits are never overwritten.
   */
  async ensureRulesTab(template: RulesTemplate): Promise<{ created: boolean; sheetId: number }> {
    const spreadsheet = await this.call('spreadsheets.get', () =>
      this.#api.spreadsheets.get({
        spreadsheetId: this.#spreadsheetId,
        fields: 'sheets.properties(sheetId,title)',
      }),
    );
    const existing = spreadsheet.data.sheets?.find((s) => s.properties?.title === this.#tab)?.properties;
    if (existing?.sheetId !== undefined && existing.sheetId !== null) {
      return { created: false, sheetId: existing.sheetId };
    }
    const added = await this.call('spreadsheets.batchUpdate', () =>
      this.#api.spreadsheets.batchUpdate({
        spreadsheetId: this.#spreadsheetId,
        requestBody: {
          requests: [
            { addSheet: { properties: { title: this.#tab, gridProperties: { frozenRowCount: 1 } } } },
          ],
        },
      }),
    );
    const sheetId = added.data.replies?.[0]?.addSheet?.properties?.sheetId;
    if (sheetId === undefined || sheetId === null) {
      throw new GoogleSheetsError('spreadsheets.batchUpdate', undefined, 'addSheet returned no sheetId');
    }
    await this.call('values.update', () =>
      this.#api.spreadsheets.values.update({
        spreadsheetId: this.#spreadsheetId,
        range: `${quoteTab(this.#tab)}!A1`,
        valueInputOption: 'RAW',
        requestBody: { values: template.values },
      }),
    );
    await this.call('spreadsheets.batchUpdate', () =>
      this.#api.spreadsheets.batchUpdate({
        spreadsheetId: this.#spreadsheetId,
        requestBody: { requests: templateRequests(sheetId, template) },
      }),
    );
    this.log?.info('rules tab created', { tab: this.#tab });
    return { created: true, sheetId };
  }
}

/** How a Google adapter retries: the policy, and the clock, sleep and randomness it uses. */
export interface GoogleCallPolicy {
  retry: Required<RetryOptions>;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  log?: Logger | undefined;
  /** Told of each retry (attempt 2 on), e.g. to count requests. */
  onAttempt?: (attempt: number) => void;
  /** The named error an adapter raises for a call that failed for good; GoogleSheetsError by default. */
  failure?: new (
    operation: string,
    status: number | undefined,
    detail: string,
    options?: { cause?: unknown },
  ) => Error;
}

/**
 * One Google API call with bounded, jittered back-off on 429, 5xx and network errors, honouring
 * Retry-After; anything else, or the last try, becomes a GoogleSheetsError naming the operation.
 * Every Google adapter (rules tab, carts tab, summary) calls through it.
 */
export async function callGoogle<T>(
  operation: string,
  send: () => Promise<T>,
  policy: GoogleCallPolicy,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    if (attempt > 1) policy.onAttempt?.(attempt);
    try {
      return await send();
    } catch (error) {
      const { status, retryAfterMs, retryable, detail } = classify(error, policy.clock());
      const last = attempt >= policy.retry.attempts;
      if (!retryable || last || (retryAfterMs ?? 0) > policy.retry.maxRetryAfterMs) {
        policy.log?.error('google api call failed', { operation, status, attempt, retryAfterMs });
        throw new (policy.failure ?? GoogleSheetsError)(operation, status, detail, { cause: error });
      }
      const delay = backoffDelayMs(attempt, retryAfterMs, policy.retry, policy.random);
      policy.log?.warn('google api call retried', { operation, status, attempt, delayMs: delay });
      await policy.sleep(delay);
    }
  }
}

/**
 * How long to wait before try `attempt + 1`: "full jitter" under a doubling ceiling, and never less
 * than the server's Retry-After when it gave one.
 * @example backoffDelayMs(1, undefined, { baseDelayMs: 500, maxDelayMs: 8000 }, () => 0.5) === 250
 */
export function backoffDelayMs(
  attempt: number,
  retryAfterMs: number | undefined,
  options: { baseDelayMs: number; maxDelayMs: number },
  random: () => number,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  if (retryAfterMs === undefined) return jittered;
  // A little jitter on top, so many clients told the same Retry-After do not come back at once.
  return retryAfterMs + Math.floor(random() * options.baseDelayMs);
}

/**
 * A Retry-After header as milliseconds from `now`: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * @example parseRetryAfter('3', new Date()) === 3000
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const RETRYABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

function classify(
  error: unknown,
  now: Date,
): { status: number | undefined; retryAfterMs: number | undefined; retryable: boolean; detail: string } {
  const e = error as {
    status?: unknown;
    code?: unknown;
    message?: unknown;
    response?: { status?: number; headers?: unknown; data?: unknown };
  };
  const status = typeof e?.response?.status === 'number' ? e.response.status : undefined;
  const retryAfterMs = parseRetryAfter(headerValue(e?.response?.headers, 'retry-after'), now);
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const retryable = status !== undefined ? RETRYABLE_STATUS.has(status) : RETRYABLE_CODES.has(code ?? '');
  const googleMessage = (e?.response?.data as { error?: { message?: unknown } } | undefined)?.error?.message;
  const detail =
    typeof googleMessage === 'string'
      ? googleMessage.slice(0, 300)
      : (code ?? (error instanceof Error ? error.name : 'unknown error'));
  return { status, retryAfterMs, retryable, detail };
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** A tab name as A1 notation wants it: always quoted, quotes doubled. */
export function quoteTab(tab: string): string {
  return `'${tab.replace(/'/g, "''")}'`;
}

/**
 * An A1 range within one sheet ("B2", "B2:B4", "A1:D1") as a zero-based, end-exclusive GridRange.
 * @example gridRange(7, 'B2:C3') // { sheetId: 7, startRowIndex: 1, endRowIndex: 3, startColumnIndex: 1, endColumnIndex: 3 }
 */
export function gridRange(sheetId: number, range: string): sheets_v4.Schema$GridRange {
  const [from = '', to = from] = range.split(':');
  const start = cellIndexes(from);
  const end = cellIndexes(to);
  return {
    sheetId,
    startRowIndex: Math.min(start.row, end.row),
    endRowIndex: Math.max(start.row, end.row) + 1,
    startColumnIndex: Math.min(start.column, end.column),
    endColumnIndex: Math.max(start.column, end.column) + 1,
  };
}

function cellIndexes(cell: string): { row: number; column: number } {
  const match = /^([A-Z]+)(\d+)$/.exec(cell.trim().toUpperCase());
  if (!match?.[1] || !match[2]) throw new RangeError(`not an A1 cell: "${cell}"`);
  const column = [...match[1]].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
  return { row: Number(match[2]) - 1, column };
}

function validationRule(spec: ValidationSpec): sheets_v4.Schema$DataValidationRule {
  const value = (n: number | string) => ({ userEnteredValue: String(n) });
  let condition: sheets_v4.Schema$BooleanCondition;
  switch (spec.kind) {
    case 'list':
      condition = { type: 'ONE_OF_LIST', values: spec.values.map(value) };
      break;
    case 'email':
      condition = { type: 'TEXT_IS_EMAIL' };
      break;
    case 'number':
      condition =
        spec.max === undefined
          ? { type: 'NUMBER_GREATER_THAN_EQ', values: [value(spec.min ?? 0)] }
          : { type: 'NUMBER_BETWEEN', values: [value(spec.min ?? 0), value(spec.max)] };
      break;
  }
  return { condition, inputMessage: spec.help, strict: true, showCustomUi: spec.kind === 'list' };
}

/** The batchUpdate requests that dress a freshly written template: validation, notes, formats. */
export function templateRequests(sheetId: number, template: RulesTemplate): sheets_v4.Schema$Request[] {
  return [
    ...template.validations.map((spec) => ({
      setDataValidation: { range: gridRange(sheetId, spec.range), rule: validationRule(spec) },
    })),
    ...template.notes.map(({ cell, note }) => ({
      updateCells: { range: gridRange(sheetId, cell), rows: [{ values: [{ note }] }], fields: 'note' },
    })),
    ...template.textRanges.map((range) => ({
      repeatCell: {
        range: gridRange(sheetId, range),
        cell: { userEnteredFormat: { numberFormat: { type: 'TEXT' } } },
        fields: 'userEnteredFormat.numberFormat',
      },
    })),
    ...template.headerRanges.map((range) => ({
      repeatCell: {
        range: gridRange(sheetId, range),
        cell: { userEnteredFormat: { textFormat: { bold: true } } },
        fields: 'userEnteredFormat.textFormat.bold',
      },
    })),
  ];
}
