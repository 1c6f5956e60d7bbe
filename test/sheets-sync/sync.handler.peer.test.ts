import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbNonceStore } from '#engine/adapters/dynamodb-nonce-store.js';
import { createTables, tableNames } from '#engine/adapters/dynamodb-tables.js';
import { ManualClock } from '#engine/adapters/memory/manual-clock.js';
import { ValidationError } from '#engine/domain/errors.js';
import { ConfigError } from '#engine/handlers/config.js';
import { MAX_BODY_BYTES } from '#engine/handlers/signed-request.js';
import { GoogleSheetsError } from '#sheets-sync/google-sheets.js';
import { type CellValue, rulesToRows, rulesYaml } from '#sheets-sync/rules-sheet.js';
import { handleSync } from '#sheets-sync/sync.handler.js';
import { loadSheetsConfig, type SyncContext } from '#sheets-sync/sync-context.js';
import type { RulesSheet } from '#sheets-sync/sync-rules.js';
import ownerPost from '#test/events/function-url/owner-post.json' with { type: 'json' };
import { answer, functionUrlEvent, signedEvent } from '#test/fakes/function-url-event.js';
import { RecordingLogger } from '#test/fakes/recording-logger.js';
import { sampleRules } from '#test/fakes/sample-cart.js';
import { type DynalitePeer, startDynalite } from '#test/peers/dynalite.js';
import { type S3rverPeer, startS3rver } from '#test/peers/s3rver.js';
import scheduledEvent from './events/scheduled-event.json' with { type: 'json' };

const NOW = new Date('2026-06-10T16:00:00Z');
const OWNER_SECRET = 'owner_current_0123456789abcdef';
const BUCKET = 'rules';

/** The RulesSheet port in memory: the tab's values, the status cell, and a count of reads. */
class MemoryRulesSheet implements RulesSheet {
  status: string | undefined;
  reads = 0;
  failure: Error | undefined;
  constructor(public values: CellValue[][]) {}
  writes = 0;
  async readRules() {
    this.reads += 1;
    if (this.failure) throw this.failure;
    return { rows: structuredClone(this.values), status: this.status ?? '' };
  }
  async readStatus() {
    return this.status ?? '';
  }
  async writeStatus(text: string) {
    this.writes += 1;
    this.status = text;
  }
}

let db: DynalitePeer;
let s3: S3rverPeer;
let suites = 0;
let counter = 0;
const freshNonce = () => `sync_nonce_${(counter++).toString().padStart(8, '0')}`;

beforeAll(async () => {
  [db, s3] = await Promise.all([startDynalite(), startS3rver({ buckets: [BUCKET] })]);
});

afterAll(async () => {
  await Promise.all([db?.stop(), s3?.stop()]);
});

describe('handleSync', () => {
  let sheet: MemoryRulesSheet;
  let log: RecordingLogger;
  let ctx: SyncContext;
  /** The YAML object (the engine reads the JSON one beside it). */
  let key: string;

  /** Sends a Function URL event through handleSync, which must answer it as a request. */
  const respond = async (event: LambdaFunctionURLEvent) => {
    const result = await handleSync(ctx, event);
    if (typeof result === 'string' || !('statusCode' in result)) throw new Error('expected an HTTP answer');
    return answer(result);
  };
  const post = (payload: unknown, at = NOW, secret = OWNER_SECRET) =>
    respond(signedEvent(ownerPost, payload, secret, at));
  const stored = async () =>
    (await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body?.transformToString(
      'utf-8',
    );

  beforeEach(async () => {
    suites += 1;
    const names = tableNames(`cr-sync-${suites}-`);
    await createTables(db.client, names);
    const clock = new ManualClock(NOW);
    key = `rules/${suites}/current.yaml`;
    sheet = new MemoryRulesSheet(rulesToRows(sampleRules()).values);
    log = new RecordingLogger();
    ctx = {
      deps: {
        sheet,
        s3: s3.client,
        bucket: BUCKET,
        key: `rules/${suites}/current.json`,
        yamlKey: key,
        clock,
        log,
      },
      nonces: new DynamoDbNonceStore({ client: db.doc, tableName: names.nonces, clock }),
      secrets: [OWNER_SECRET],
    };
  });

  it('syncs on a signed request and answers 200 with the version in force', async () => {
    // Act
    const result = await post({ action: 'sync_rules', nonce: freshNonce() });

    // Assess
    expect(result.status).toBe(200);
    expect(result.json).toEqual({
      status: 'updated',
      version: expect.stringMatching(/^[0-9a-f]{32}$/),
      since: NOW.toISOString(),
      warnings: [],
    });
    expect(await stored()).toBe(rulesYaml(sampleRules()));
    expect(sheet.status).toContain(`Rules version ${result.json?.version} in force since 2026-06-10 12:00`);
  });

  it('answers 422 with every error and its cell, and keeps the rules in force', async () => {
    // Prepare
    await post({ action: 'sync_rules', nonce: freshNonce() });
    const row = sheet.values[1];
    if (row) row[2] = 0;

    // Act
    const result = await post({ action: 'sync_rules', nonce: freshNonce() });

    // Assess
    expect(result.status).toBe(422);
    expect(result.json).toEqual({
      error: 'invalid_rules',
      message: 'The Rules tab has 1 problem; the rules in force were kept.',
      errors: [
        { cell: 'C2', message: 'first reminder after must be a number of hours between 0.25 and 168' },
      ],
      keptVersion: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(await stored()).toBe(rulesYaml(sampleRules()));
  });

  it.each<[string, { at?: Date; secret?: string }, RegExp]>([
    ['signed with another secret', { secret: 'someone_else_0123456789abcdef' }, /does not match/],
    ['signed six minutes ago', { at: new Date(NOW.getTime() - 6 * 60_000) }, /more than 300 s away/],
  ])('refuses a request %s with 401 and reads nothing', async (_, change, reason) => {
    // Act
    const result = await post({ action: 'sync_rules', nonce: freshNonce() }, change.at, change.secret);

    // Assess
    expect(result.status).toBe(401);
    expect(result.json).toMatchObject({ error: 'bad_signature', message: expect.stringMatching(reason) });
    expect(sheet.reads).toBe(0);
  });

  it('refuses a request without a signature with 401', async () => {
    // Act
    const event = functionUrlEvent(ownerPost, {
      body: JSON.stringify({ action: 'sync_rules', nonce: freshNonce() }),
      headers: { 'cart-recovery-signature': undefined },
    });
    const result = await respond(event);

    // Assess
    expect(result.status).toBe(401);
    expect(sheet.reads).toBe(0);
  });

  it('refuses a replayed request with 409, and a nonce an owner action already used', async () => {
    // Prepare
    const event = signedEvent(ownerPost, { action: 'sync_rules', nonce: freshNonce() }, OWNER_SECRET, NOW);
    const usedByOwnerAction = freshNonce();
    await ctx.nonces.claim(usedByOwnerAction, new Date(NOW.getTime() + 600_000));

    // Act
    const first = await respond(event);
    const replay = await respond(structuredClone(event));
    const crossed = await post({ action: 'sync_rules', nonce: usedByOwnerAction });

    // Assess
    expect([first.status, replay.status, crossed.status]).toEqual([200, 409, 409]);
    expect(replay.json).toMatchObject({ error: 'replayed_nonce' });
    expect(sheet.reads).toBe(1);
  });

  it.each([
    [
      'an owner action',
      { action: 'suppress', cartId: 'cart-1001', nonce: 'n_0123456789abcdef' },
      ['action', 'cartId'],
    ],
    ['no nonce', { action: 'sync_rules' }, ['nonce']],
    ['a short nonce', { action: 'sync_rules', nonce: 'abc' }, ['nonce']],
  ])('refuses a signed body with %s with 400 naming the fields', async (_, payload, paths) => {
    // Act
    const result = await post(payload);

    // Assess
    expect(result.status).toBe(400);
    expect(result.json).toMatchObject({ error: 'invalid_request' });
    expect(((result.json?.errors ?? []) as { path: string }[]).map((e) => e.path)).toEqual(paths);
    expect(sheet.reads).toBe(0);
  });

  it('refuses a signed body that is not JSON with 400', async () => {
    // Act
    const result = await post('{"action": "sync_rules",');

    // Assess
    expect(result.status).toBe(400);
    expect(result.json).toMatchObject({ error: 'invalid_json' });
  });

  it.each([
    ['GET', { method: 'GET' }, 405],
    ['text/plain', { headers: { 'content-type': 'text/plain' } }, 415],
    ['a body over the limit', { body: `{"pad":"${'x'.repeat(MAX_BODY_BYTES)}"}` }, 413],
  ])('refuses %s before checking the signature', async (_, change, status) => {
    // Act
    const result = await respond(functionUrlEvent(ownerPost, change));

    // Assess
    expect(result.status).toBe(status);
    expect(sheet.reads).toBe(0);
  });

  it("answers 424 with Google's reason and what to do when Google refuses for good, and says so in the status cell", async () => {
    // Prepare
    sheet.failure = new GoogleSheetsError('values.batchGet', {
      status: 403,
      reason: 'SERVICE_DISABLED',
      detail: 'Google Sheets API has not been used in project 123 before or it is disabled.',
      hint: 'Ask your developer to turn on the Google Sheets API in Google Cloud project 123, wait a few minutes, then try again.',
      temporary: false,
    });

    // Act
    const result = await post({ action: 'sync_rules', nonce: freshNonce() });

    // Assess
    expect(result.status).toBe(424);
    expect(result.json).toMatchObject({
      error: 'google_refused',
      reason: 'SERVICE_DISABLED',
      googleStatus: 403,
    });
    expect(result.json?.message).toMatch(
      /^Ask your developer to turn on the Google Sheets API in Google Cloud project 123/,
    );
    expect(sheet.status).toContain('Rules NOT checked: Google refused (SERVICE_DISABLED).');
    await expect(stored()).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('writes why into the status cell when a scheduled sync fails, once while it keeps failing', async () => {
    // Prepare
    sheet.failure = new GoogleSheetsError('spreadsheets.get', {
      status: undefined,
      reason: 'TAB_NOT_FOUND',
      detail: 'no tab',
      hint: 'There is no tab named Rules in the spreadsheet.',
      temporary: false,
    });

    // Act
    await expect(handleSync(ctx, structuredClone(scheduledEvent))).rejects.toBeInstanceOf(GoogleSheetsError);
    await expect(handleSync(ctx, structuredClone(scheduledEvent))).rejects.toBeInstanceOf(GoogleSheetsError);

    // Assess
    expect(sheet.status).toBe(
      'Rules NOT checked: Google refused (TAB_NOT_FOUND). The rules in force are unchanged.\nThere is no tab named Rules in the spreadsheet.',
    );
    expect(sheet.writes).toBe(1);
  });

  it('leaves the status cell alone when a scheduled sync finds nothing new', async () => {
    // Act
    await handleSync(ctx, structuredClone(scheduledEvent));
    const after = sheet.writes;
    await handleSync(ctx, structuredClone(scheduledEvent));
    await handleSync(ctx, structuredClone(scheduledEvent));

    // Assess
    expect(after).toBe(1);
    expect(sheet.writes).toBe(1);
  });

  it('answers 502 when Google Sheets cannot be read, and writes nothing', async () => {
    // Prepare
    sheet.failure = new GoogleSheetsError('values.get', {
      status: 503,
      reason: 'UNAVAILABLE',
      detail: 'backend error',
      hint: 'Google is busy or unreachable right now; nothing was changed. Try again in a few minutes.',
      temporary: true,
    });

    // Act
    const result = await post({ action: 'sync_rules', nonce: freshNonce() });

    // Assess
    expect(result.status).toBe(502);
    expect(result.json).toMatchObject({ error: 'google_unavailable' });
    expect(result.body).not.toContain('backend error');
    await expect(stored()).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('syncs on the schedule without a signature and returns the outcome', async () => {
    // Act
    const outcome = await handleSync(ctx, structuredClone(scheduledEvent));

    // Assess
    expect(outcome).toEqual({
      status: 'updated',
      version: expect.any(String),
      since: NOW.toISOString(),
      warnings: [],
    });
    expect(await stored()).toBe(rulesYaml(sampleRules()));
    expect(log.at('info').map((c) => c.message)).toContain('scheduled sync done');
  });

  it('throws on an event that is neither a request nor the schedule, and syncs nothing', async () => {
    // Act
    const failure = await handleSync(ctx, { source: 'aws.s3', 'detail-type': 'Object Created' }).catch(
      (error: unknown) => error,
    );

    // Assess
    expect(failure).toBeInstanceOf(ValidationError);
    expect(sheet.reads).toBe(0);
  });
});

describe('loadSheetsConfig', () => {
  it('fills in the tab and the status cell', () => {
    expect(loadSheetsConfig({ SPREADSHEET_ID: '1AbCdEfGhIjKlMnOpQrStUvWxYz_0123456789-abcd' })).toEqual({
      SPREADSHEET_ID: '1AbCdEfGhIjKlMnOpQrStUvWxYz_0123456789-abcd',
      RULES_TAB: 'Rules',
      STATUS_CELL: 'F1',
    });
  });

  const failureOf = (env: NodeJS.ProcessEnv) => {
    try {
      loadSheetsConfig(env);
    } catch (error) {
      return error;
    }
    throw new Error('expected a ConfigError');
  };

  it('names what is missing or malformed', () => {
    // Act
    const missing = failureOf({ STATUS_CELL: 'F1' });
    const malformed = failureOf({ SPREADSHEET_ID: 'abcdefghij12', STATUS_CELL: 'the corner' });
    const amongTheRules = failureOf({ SPREADSHEET_ID: 'abcdefghij12', STATUS_CELL: 'C3' });

    // Assess
    expect(missing).toBeInstanceOf(ConfigError);
    expect((missing as Error).message).toBe('Configuration is incomplete: SPREADSHEET_ID is not set');
    expect((malformed as Error).message).toContain('STATUS_CELL is invalid: must be a cell such as F1');
    expect((amongTheRules as Error).message).toContain(
      'STATUS_CELL is invalid: must be right of the rules (column E or later)',
    );
  });

  it('accepts a status cell in another tab, even in column A', () => {
    expect(loadSheetsConfig({ SPREADSHEET_ID: 'abcdefghij12', STATUS_CELL: 'Status!A2' }).STATUS_CELL).toBe(
      'Status!A2',
    );
  });
});
