/**
 * The store owner's Google Sheet, through the Sheets v4 REST API (@googleapis/sheets): reads the
 * Rules tab and its status cell, writes the status cell. Translates, nothing more; every call is
 * retried on 429, 5xx and Google's rate-limit 403s with truncated exponential back-off (Google's
 * advice: doubling waits plus jitter, about 64 s in all) that honours Retry-After.
 *
 * Auth (google-auth.ts): a normal OAuth access token, from the keyless workload identity login or
 * from a service account key, cached until it expires.
 *
 * Tabs are found by the developer metadata Set up puts on them (`cart-recovery-tab`: `rules`,
 * `carts`, `import`), which follows a tab through a rename, and by title when no tab carries it.
 */
import { sheets, type sheets_v4 } from '@googleapis/sheets';
import type { Logger } from '#engine/ports.js';
import { GoogleApiError, type GoogleFailure, GoogleSheetsError } from './google-api-error.js';
import {
  type AwsCredentialSource,
  type GoogleCredentials,
  googleAuthClient,
  type ServiceAccountKey,
  serviceAccountEmail,
} from './google-auth.js';
import type { CellValue } from './rules-sheet.js';

// The errors this adapter throws, for its callers; they live apart so the sync use case can name them
// without importing the adapter.
export { GoogleApiError, type GoogleFailure, GoogleSheetsError };

import type { RulesSheet, RulesTabRead } from './sync-rules.js';

export type { ServiceAccountKey } from './google-auth.js';

export const SHEETS_SCOPE = 'https://www.googleapis.com/auth/spreadsheets';
export const DEFAULT_RULES_TAB = 'Rules';
/** Right of the tiers table (A:D), where the owner sees it next to the rules. */
export const DEFAULT_STATUS_CELL = 'F1';
/** A cell holds at most 50,000 characters; a status stays well under it. */
const MAX_STATUS_CHARS = 5_000;
/**
 * The developer metadata key Set up puts on each tab it adds (DOCUMENT visibility, so the engine's
 * service account sees it), its value the tab's role.
 */
export const TAB_METADATA_KEY = 'cart-recovery-tab';
export type TabRole = 'rules' | 'carts' | 'import';
/**
 * How much of the Rules tab is read: every row, and far past the four tier columns, so an inserted
 * column loses nothing (a row cap dropped "Your words" rows below it without a word).
 */
const RULES_READ_RANGE = 'A:Z';

/** An auth client the Sheets client accepts: a JWT, an OAuth2Client with a token, an AwsClient. */
export type GoogleAuthClient = NonNullable<sheets_v4.Options['auth']>;

export interface RetryOptions {
  /** Tries in all, the first included. Default 7. */
  attempts?: number;
  /** The first wait; doubles each try (plus up to this much jitter). Default 1 s. */
  baseDelayMs?: number;
  /** One wait never grows past this. Default 32 s. */
  maxDelayMs?: number;
  /** All waits of one call together stay under this. Default 64 s (Google's advice). */
  maxTotalDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the call fails at once. Default 20 s. */
  maxRetryAfterMs?: number;
}

/** What every Google adapter takes besides its own settings: credentials, endpoint, back-off. */
export interface GoogleClientOptions {
  /** Log in with these (the keyless configuration or a key)... */
  credentials?: GoogleCredentials;
  /** ...or with this key... */
  serviceAccount?: ServiceAccountKey;
  /** ...or with this client. */
  authClient?: GoogleAuthClient;
  /** The AWS identity the keyless login signs with. */
  aws?: AwsCredentialSource;
  /** The OAuth token endpoint for a key's login; default Google's (a local server in tests). */
  tokenUrl?: string;
  /** The API's root, e.g. a local server in tests. Default Google's. */
  rootUrl?: string;
  retry?: RetryOptions;
  /**
   * Per request, in ms (default {@link GOOGLE_REQUEST_TIMEOUT_MS}). gaxios has no timeout of its own:
   * a request Google accepts and never answers would wait until the function is killed. One that
   * runs out is given up and retried as a network failure.
   */
  timeoutMs?: number;
  log?: Logger;
  /** Waits between tries (tests make it instant). */
  sleep?: (ms: number) => Promise<void>;
  /** 0 <= n < 1, for jitter. */
  random?: () => number;
  clock?: () => Date;
}

/** A Google API request's time limit: they answer in well under a second when they answer at all. */
export const GOOGLE_REQUEST_TIMEOUT_MS = 15_000;

export interface GoogleRulesSheetOptions extends GoogleClientOptions {
  spreadsheetId: string;
  /** The tab holding the rules, when no tab carries Set up's mark. Default "Rules". */
  tab?: string;
  /** "F1" (in the rules tab) or "Status!B2". Default F1. */
  statusCell?: string;
}

/** The back-off policy of a Google adapter, its defaults filled in. */
export function googleCallPolicy(options: GoogleClientOptions): GoogleCallPolicy {
  return {
    retry: {
      attempts: options.retry?.attempts ?? 7,
      baseDelayMs: options.retry?.baseDelayMs ?? 1_000,
      maxDelayMs: options.retry?.maxDelayMs ?? 32_000,
      maxTotalDelayMs: options.retry?.maxTotalDelayMs ?? 64_000,
      maxRetryAfterMs: options.retry?.maxRetryAfterMs ?? 20_000,
    },
    log: options.log,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    random: options.random ?? Math.random,
    clock: options.clock ?? (() => new Date()),
  };
}

/** The Sheets operations this adapter calls, for request counters. */
export const SHEETS_OPERATIONS = [
  'values.get',
  'values.batchGet',
  'values.update',
  'spreadsheets.get',
  'spreadsheets.batchUpdate',
] as const;
export type SheetsOperation = (typeof SHEETS_OPERATIONS)[number];

/** A tab as found: its id, current title and grid size. */
export interface FoundTab {
  sheetId: number;
  title: string;
  rowCount: number;
  columnCount: number;
}

/**
 * The base of every Google adapter: the auth client (built from the credentials with the adapter's
 * scopes, or the client given), the back-off policy, and each call counted per operation, retries
 * included.
 */
export abstract class GoogleAdapter<Operation extends string> {
  /** Requests sent (retries included), by operation. */
  readonly requests: Record<Operation, number>;
  protected readonly auth: GoogleAuthClient;
  protected readonly log: Logger | undefined;
  /** The service account the files must be shared with, for the hints; '' when unknown. */
  protected readonly principal: string;
  /** Each request's time limit, in ms. */
  protected readonly timeoutMs: number;
  readonly #policy: GoogleCallPolicy;

  protected constructor(
    options: GoogleClientOptions,
    adapter: string,
    operations: readonly Operation[],
    scopes: readonly string[] = [SHEETS_SCOPE],
    failure: GoogleCallPolicy['failure'] = GoogleSheetsError,
  ) {
    const credentials: GoogleCredentials | undefined =
      options.credentials ??
      (options.serviceAccount ? { kind: 'service-account-key', key: options.serviceAccount } : undefined);
    const auth =
      options.authClient ??
      (credentials &&
        googleAuthClient(credentials, scopes, {
          ...(options.tokenUrl ? { tokenUrl: options.tokenUrl } : {}),
          ...(options.aws ? { aws: options.aws } : {}),
        }));
    if (!auth) throw new TypeError(`${adapter} needs credentials, a serviceAccount key or an authClient`);
    this.auth = auth;
    this.log = options.log;
    this.timeoutMs = options.timeoutMs ?? GOOGLE_REQUEST_TIMEOUT_MS;
    this.principal = credentials ? serviceAccountEmail(credentials) : '';
    this.#policy = { ...googleCallPolicy(options), failure, principal: this.principal };
    this.requests = Object.fromEntries(operations.map((operation) => [operation, 0])) as Record<
      Operation,
      number
    >;
  }

  /**
   * A Sheets v4 client without gaxios's own retries (they ignore Retry-After): `call` backs off. Each
   * request is given up after `timeoutMs`.
   */
  protected sheetsApi(rootUrl: string | undefined): sheets_v4.Sheets {
    return sheets({
      version: 'v4',
      auth: this.auth,
      ...(rootUrl ? { rootUrl } : {}),
      retry: false,
      timeout: this.timeoutMs,
    });
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

  /**
   * The spreadsheet's tabs, with their ids, titles, grid sizes and Set up's marks (one
   * spreadsheets.get, counted under `operation`, which must be spreadsheets.get).
   */
  protected async listTabs(
    api: sheets_v4.Sheets,
    spreadsheetId: string,
    operation: Operation,
  ): Promise<(FoundTab & { role: string | undefined })[]> {
    const response = await this.call(operation, () =>
      api.spreadsheets.get({
        spreadsheetId,
        fields:
          'sheets(properties(sheetId,title,gridProperties(rowCount,columnCount)),developerMetadata(metadataKey,metadataValue))',
      }),
    );
    return (response.data.sheets ?? []).flatMap((sheet) => {
      const p = sheet.properties;
      if (typeof p?.sheetId !== 'number' || typeof p.title !== 'string') return [];
      const mark = sheet.developerMetadata?.find((m) => m.metadataKey === TAB_METADATA_KEY);
      return [
        {
          sheetId: p.sheetId,
          title: p.title,
          rowCount: p.gridProperties?.rowCount ?? 1000,
          columnCount: p.gridProperties?.columnCount ?? 26,
          role: mark?.metadataValue ?? undefined,
        },
      ];
    });
  }
}

/**
 * The tab Set up marked with `role`, else the one titled `title`, else undefined.
 * @example findTab(tabs, 'rules', 'Rules') // the renamed "Rules (mine)" tab, by its mark
 */
export function findTab<T extends { title: string; role: string | undefined }>(
  tabs: readonly T[],
  role: TabRole,
  title: string,
): T | undefined {
  return tabs.find((t) => t.role === role) ?? tabs.find((t) => t.title === title);
}

/** The failure for a tab that is neither marked nor found by its title. */
export function missingTab(title: string, role: TabRole): GoogleFailure {
  return {
    status: undefined,
    reason: 'TAB_NOT_FOUND',
    detail: `no tab titled "${title}" and none marked "${role}" by Set up`,
    hint: `There is no tab named ${title} in the spreadsheet (and none Set up marked as the ${role} tab): rename the tab back to "${title}", or run Cart Recovery › Set up to add it.`,
    temporary: false,
  };
}

/**
 * The owner's Rules tab and status cell in one spreadsheet.
 * @example
 * const sheet = new GoogleRulesSheet({ spreadsheetId, credentials, aws });
 * const { rows, status } = await sheet.readRules();
 */
export class GoogleRulesSheet extends GoogleAdapter<SheetsOperation> implements RulesSheet {
  readonly #api: sheets_v4.Sheets;
  readonly #spreadsheetId: string;
  readonly #tab: string;
  readonly #statusCell: string;

  constructor(options: GoogleRulesSheetOptions) {
    // "Sync rules now" waits for the answer and the function has 60 s: a shorter back-off budget.
    super(
      { ...options, retry: { maxTotalDelayMs: 20_000, ...options.retry } },
      'GoogleRulesSheet',
      SHEETS_OPERATIONS,
    );
    this.#api = this.sheetsApi(options.rootUrl);
    this.#spreadsheetId = options.spreadsheetId;
    this.#tab = options.tab ?? DEFAULT_RULES_TAB;
    this.#statusCell = options.statusCell ?? DEFAULT_STATUS_CELL;
  }

  /**
   * The Rules tab (every row, columns A to Z) as unformatted values (numbers as numbers, times typed without text
   * format as day fractions), with the status cell blanked out when it is in the tab, and the
   * status cell's text. One spreadsheets.get and one values.batchGet.
   * @throws GoogleSheetsError with reason TAB_NOT_FOUND when there is no rules tab.
   */
  async readRules(): Promise<RulesTabRead> {
    const { tab, statusRange, statusInTab } = await this.#locate();
    const rulesRange = `${quoteTab(tab)}!${RULES_READ_RANGE}`;
    const response = await this.call('values.batchGet', () =>
      this.#api.spreadsheets.values.batchGet({
        spreadsheetId: this.#spreadsheetId,
        ranges: [rulesRange, statusRange],
        valueRenderOption: 'UNFORMATTED_VALUE',
        dateTimeRenderOption: 'SERIAL_NUMBER',
        majorDimension: 'ROWS',
      }),
    );
    const [rules, status] = response.data.valueRanges ?? [];
    const rows = ((rules?.values ?? []) as CellValue[][]).map((row) => [...row]);
    if (statusInTab) {
      const { row, column } = cellIndexes(this.#statusCell);
      const statusRow = rows[row];
      if (statusRow && column < statusRow.length) statusRow[column] = '';
    }
    return { rows, status: String(status?.values?.[0]?.[0] ?? '') };
  }

  /** The status cell's text ('' when empty). */
  async readStatus(): Promise<string> {
    const { statusRange } = await this.#locate();
    const response = await this.call('values.get', () =>
      this.#api.spreadsheets.values.get({
        spreadsheetId: this.#spreadsheetId,
        range: statusRange,
        valueRenderOption: 'UNFORMATTED_VALUE',
      }),
    );
    return String(response.data.values?.[0]?.[0] ?? '');
  }

  /** Writes one text into the status cell, as typed text (never a formula), cut to a sane length. */
  async writeStatus(text: string): Promise<void> {
    const value = statusText(text);
    const { statusRange } = await this.#locate();
    await this.call('values.update', () =>
      this.#api.spreadsheets.values.update({
        spreadsheetId: this.#spreadsheetId,
        range: statusRange,
        valueInputOption: 'RAW',
        requestBody: { range: statusRange, majorDimension: 'ROWS', values: [[value]] },
      }),
    );
  }

  /** The rules tab's current title and the status cell's A1 range (in it, or in another tab). */
  async #locate(): Promise<{ tab: string; statusRange: string; statusInTab: boolean }> {
    const tabs = await this.listTabs(this.#api, this.#spreadsheetId, 'spreadsheets.get');
    const found = findTab(tabs, 'rules', this.#tab);
    if (!found) throw new GoogleSheetsError('spreadsheets.get', missingTab(this.#tab, 'rules'));
    const at = this.#statusCell.lastIndexOf('!');
    if (at === -1) {
      return {
        tab: found.title,
        statusRange: `${quoteTab(found.title)}!${this.#statusCell}`,
        statusInTab: true,
      };
    }
    const statusTab = this.#statusCell.slice(0, at).replace(/^'(.*)'$/, '$1');
    return {
      tab: found.title,
      statusRange: `${quoteTab(statusTab)}!${this.#statusCell.slice(at + 1)}`,
      statusInTab: statusTab === found.title,
    };
  }
}

/** The status as it is written: cut to a sane length. */
export function statusText(text: string): string {
  return text.length > MAX_STATUS_CHARS ? `${text.slice(0, MAX_STATUS_CHARS - 1)}…` : text;
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
    failure: GoogleFailure,
    options?: { cause?: unknown },
  ) => Error;
  /** The service account, for the hints ("share the sheet with ..."). */
  principal?: string;
}

/**
 * One Google API call with truncated exponential back-off on 429, 5xx, Google's rate-limit 403s
 * and network errors, honouring Retry-After, all waits within `maxTotalDelayMs`; anything else, or
 * the last try, becomes the adapter's named error with Google's reason and a hint.
 * Every Google adapter (rules tab, carts tab, summary) calls through it.
 */
export async function callGoogle<T>(
  operation: string,
  send: () => Promise<T>,
  policy: GoogleCallPolicy,
): Promise<T> {
  let waited = 0;
  for (let attempt = 1; ; attempt += 1) {
    if (attempt > 1) policy.onAttempt?.(attempt);
    try {
      return await send();
    } catch (error) {
      const { retryAfterMs, retryable, ...failure } = classify(error, policy.clock(), policy.principal ?? '');
      const delay = backoffDelayMs(attempt, retryAfterMs, policy.retry, policy.random);
      const giveUp =
        !retryable ||
        attempt >= policy.retry.attempts ||
        (retryAfterMs ?? 0) > policy.retry.maxRetryAfterMs ||
        waited + delay > policy.retry.maxTotalDelayMs;
      if (giveUp) {
        policy.log?.error('google api call failed', {
          operation,
          status: failure.status,
          reason: failure.reason,
          attempt,
          retryAfterMs,
        });
        throw new (policy.failure ?? GoogleSheetsError)(operation, failure, { cause: error });
      }
      policy.log?.warn('google api call retried', {
        operation,
        status: failure.status,
        reason: failure.reason,
        attempt,
        delayMs: delay,
      });
      waited += delay;
      await policy.sleep(delay);
    }
  }
}

/**
 * How long to wait before try `attempt + 1`: Google's truncated exponential back-off, the base
 * doubled per try up to the ceiling plus up to one base of jitter, and never less than the
 * server's Retry-After when it gave one.
 * @example backoffDelayMs(1, undefined, { baseDelayMs: 1000, maxDelayMs: 32000 }, () => 0.5) === 1500
 */
export function backoffDelayMs(
  attempt: number,
  retryAfterMs: number | undefined,
  options: { baseDelayMs: number; maxDelayMs: number },
  random: () => number,
): number {
  const jitter = Math.floor(random() * options.baseDelayMs);
  // A little jitter on top, so many clients told the same Retry-After do not come back at once.
  if (retryAfterMs !== undefined) return retryAfterMs + jitter;
  return Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1)) + jitter;
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
/** The 403s Drive (and older APIs) send for a rate limit; Google says to back off and retry them. */
const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'RATE_LIMIT_EXCEEDED']);

interface GoogleErrorBody {
  error?:
    | string
    | {
        code?: number;
        message?: string;
        status?: string;
        errors?: { reason?: string; message?: string }[];
        details?: { '@type'?: string; reason?: string; metadata?: Record<string, string> }[];
      };
  error_description?: string;
}

function classify(
  error: unknown,
  now: Date,
  principal: string,
): GoogleFailure & { retryAfterMs: number | undefined; retryable: boolean } {
  const e = error as {
    code?: unknown;
    message?: unknown;
    error?: { name?: unknown };
    cause?: { name?: unknown };
    response?: { status?: number; headers?: unknown; data?: unknown };
  };
  const status = typeof e?.response?.status === 'number' ? e.response.status : undefined;
  const retryAfterMs = parseRetryAfter(headerValue(e?.response?.headers, 'retry-after'), now);
  // gaxios reports a request past its timeout as an AbortError inside the GaxiosError, with no code.
  const aborted = e?.error?.name === 'AbortError' || e?.cause?.name === 'AbortError';
  const code = typeof e?.code === 'string' ? e.code : aborted ? 'ETIMEDOUT' : undefined;
  const body = (e?.response?.data ?? {}) as GoogleErrorBody;
  const api = typeof body.error === 'object' ? body.error : undefined;
  const info = api?.details?.find((d) => d['@type']?.endsWith('google.rpc.ErrorInfo'));
  // gtoken turns a refused JWT grant into a plain Error whose message starts with the OAuth error.
  const oauthError =
    typeof body.error === 'string'
      ? body.error
      : /^(invalid_grant|invalid_client|unauthorized_client|invalid_scope)\b/.exec(
          String(e?.message ?? ''),
        )?.[1];
  const reason = info?.reason ?? api?.errors?.[0]?.reason ?? oauthError ?? api?.status ?? code;
  const rateLimited = status === 403 && RATE_LIMIT_REASONS.has(reason ?? '');
  const retryable =
    status !== undefined ? RETRYABLE_STATUS.has(status) || rateLimited : RETRYABLE_CODES.has(code ?? '');
  const message =
    api?.message ?? body.error_description ?? (typeof e?.message === 'string' ? e.message : undefined);
  const detail = (message ?? code ?? (error instanceof Error ? error.name : 'unknown error')).slice(0, 300);
  const failure = { status, reason, detail, temporary: retryable };
  return { ...failure, hint: hintFor(failure, info?.metadata, principal), retryAfterMs, retryable };
}

/**
 * What the owner (or the developer) should do about a failure, in plain words. Only Google's own
 * reason and metadata go in, never a payload.
 */
export function hintFor(
  failure: Pick<GoogleFailure, 'status' | 'reason' | 'temporary'>,
  metadata: Record<string, string> | undefined,
  principal: string,
): string {
  const account = principal || "the engine's Google address (the service account)";
  if (failure.temporary) {
    return 'Google is busy or unreachable right now; nothing was changed. Try again in a few minutes.';
  }
  switch (failure.reason) {
    case 'SERVICE_DISABLED':
    case 'accessNotConfigured': {
      const api = metadata?.serviceTitle ?? 'the Google API';
      const project = metadata?.containerInfo ?? metadata?.consumer?.replace(/^projects\//, '') ?? '';
      return `Ask your developer to turn on the ${api} in Google Cloud project ${project}${metadata?.activationUrl ? ` (${metadata.activationUrl})` : ''}, wait a few minutes, then try again.`;
    }
    case 'invalid_grant':
    case 'invalid_client':
    case 'unauthorized_client':
    case 'UNAUTHENTICATED':
      return "Google refused the engine's login. Ask your developer to check the Google credentials in the engine's secret (a deleted key, or the workload identity setup).";
    case 'IAM_PERMISSION_DENIED':
      return `Google refused to let the engine act as ${account}. Ask your developer to check the workload identity binding (roles/iam.workloadIdentityUser).`;
    case 'ACCESS_TOKEN_SCOPE_INSUFFICIENT':
      return "The engine's Google login lacks a permission it needs. Ask your developer.";
    case 'dailyLimitExceeded':
    case 'quotaExceeded':
    case 'RESOURCE_EXHAUSTED':
      return "Google's quota for the engine's project is used up for now; nothing was changed. It comes back by itself (daily quotas at midnight Pacific time); if it keeps happening, ask your developer to ask Google for more.";
    case 'storageQuotaExceeded':
      return `The Google Drive of ${account} is full, so the summary's chart could not be stored. Ask your developer to delete old files from it.`;
    case 'sharingRateLimitExceeded':
      return 'Google limits how many files can be shared in a short time; nothing was changed. Try again in an hour.';
  }
  switch (failure.status) {
    case 403:
    case 404:
      return `Share the spreadsheet (and the summary document) with ${account} as Editor: Share, paste the address, Editor, untick "Notify people". If it is shared, ask your developer to check the spreadsheet id.`;
    case 400:
      return 'Google could not read part of the spreadsheet (a tab renamed or removed?). Check the tab names, or run Cart Recovery › Set up again.';
    case 401:
      return "Google refused the engine's login. Ask your developer to check the Google credentials in the engine's secret.";
    default:
      return 'Google refused the request. Ask your developer to look at the engine log.';
  }
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
