import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '#engine/adapters/memory/manual-clock.js';
import { silentLogger } from '#engine/adapters/pino-logger.js';
import { rulesJson, S3RulesSource } from '#engine/adapters/s3-rules-source.js';
import { GoogleRulesSheet, GoogleSheetsError } from '#sheets-sync/google-sheets.js';
import { rulesToRows, rulesYaml } from '#sheets-sync/rules-sheet.js';
import { syncRules } from '#sheets-sync/sync-rules.js';
import { sampleRules } from '#test/fakes/sample-cart.js';
import { type Cell, type GoogleApiServer, startGoogleApiServer } from '#test/peers/google-api-server.js';
import { type S3rverPeer, startS3rver } from '#test/peers/s3rver.js';

const BUCKET = 'cart-recovery-rules';
const START = '2026-06-10T14:00:00.000Z';

let google: GoogleApiServer;
let s3: S3rverPeer;
let runs = 0;

beforeAll(async () => {
  [google, s3] = await Promise.all([startGoogleApiServer(), startS3rver({ buckets: [BUCKET] })]);
});

afterAll(async () => {
  await Promise.all([google?.stop(), s3?.stop()]);
});

/** An S3 client on s3rver that records the name of every command it sends. */
function countingS3(): { client: S3Client; commands: string[] } {
  const commands: string[] = [];
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize' },
  );
  return { client, commands };
}

/** The owner's sheet (its Rules tab laid out for `rules`), the S3 key, and the sync's deps. */
function setUp(values: Cell[][] = rulesToRows(sampleRules()).values) {
  const spreadsheetId = `sync-${++runs}-spreadsheet`;
  const key = `rules/${runs}/current.json`;
  const yamlKey = `rules/${runs}/current.yaml`;
  google.addSpreadsheet(spreadsheetId, { Rules: values });
  const clock = new ManualClock(START);
  const waits: number[] = [];
  const sheet = new GoogleRulesSheet({
    spreadsheetId,
    serviceAccount: google.serviceAccount,
    tokenUrl: google.tokenUrl,
    rootUrl: google.rootUrl,
    sleep: async (ms) => {
      waits.push(ms);
    },
    clock: () => clock.now(),
  });
  const { client, commands } = countingS3();
  const deps = { sheet, s3: client, bucket: BUCKET, key, yamlKey, clock, log: silentLogger };
  const status = () => google.cell(spreadsheetId, 'Rules!F1');
  const read = async (objectKey: string) => {
    const object = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: objectKey }));
    return object.Body?.transformToString('utf-8');
  };
  /** The YAML object, for people. */
  const stored = () => read(yamlKey);
  /** The JSON object, which the engine reads. */
  const storedJson = () => read(key);
  return { spreadsheetId, key, yamlKey, clock, deps, commands, waits, status, stored, storedJson };
}

describe('syncRules', () => {
  it('writes good rules to S3 as YAML and as the JSON the engine reads, and says which version is in force', async () => {
    // Prepare
    const { deps, status, stored, storedJson, key, commands } = setUp();

    // Act
    const outcome = await syncRules(deps);

    // Assess
    expect(outcome).toEqual({
      status: 'updated',
      version: expect.stringMatching(/^[0-9a-f]{32}$/),
      since: START,
      warnings: [],
    });
    expect(await stored()).toBe(rulesYaml(sampleRules()));
    expect(await storedJson()).toBe(rulesJson(sampleRules()));
    const engineView = await new S3RulesSource({ client: s3.client, bucket: BUCKET, key }).current();
    expect(engineView.rules).toEqual(sampleRules());
    expect(outcome.status !== 'rejected' && outcome.version).toBe(engineView.version);
    expect(status()).toBe(
      `Rules version ${engineView.version} in force since 2026-06-10 10:00 America/New_York.`,
    );
    expect(commands.filter((c) => c === 'PutObjectCommand')).toHaveLength(2);
  });

  it("notes in the status cell a rules time zone the nightly jobs don't run in, and still syncs", async () => {
    // Prepare
    const { deps, status } = setUp();

    // Act
    const same = await syncRules({ ...deps, scheduleZone: 'America/New_York' });
    const sameStatus = status();
    const other = await syncRules({ ...deps, scheduleZone: 'Europe/Berlin' });

    // Assess
    expect(same.status).toBe('updated');
    expect(String(sameStatus).split('\n')).toHaveLength(1);
    expect(other.status).toBe('unchanged');
    expect(String(status()).split('\n')[1]).toBe(
      'Note: the time zone here is America/New_York, but the nightly export and the monthly summary run at midnight Europe/Berlin. Ask your developer to set storeTimezone to America/New_York and deploy again.',
    );
  });

  it("refuses a sender address outside the deployment's SES domain, naming its cell, and keeps the rules", async () => {
    // Prepare: good rules in force, then the owner types a Gmail address as the sender.
    const sender = { domain: 'acme.example', address: 'hello@acme.example' };
    const { spreadsheetId, deps, status, stored, commands } = setUp();
    await syncRules({ ...deps, sender });
    const before = await stored();
    const cell = rulesToRows(sampleRules()).values.findIndex((row) => row[0] === 'Sender email') + 1;
    const values = google.values(spreadsheetId, 'Rules');
    google.type(
      spreadsheetId,
      'Rules',
      values.map((row) =>
        (row[0] === 'Sender email' ? [row[0], 'acme.owner@gmail.com', ...row.slice(2)] : row).map((c) =>
          String(c ?? ''),
        ),
      ),
    );
    commands.length = 0;

    // Act
    const outcome = await syncRules({ ...deps, sender });

    // Assess
    expect(outcome).toMatchObject({ status: 'rejected', errors: [{ cell: `B${cell}` }] });
    expect(String(status()).split('\n')[1]).toBe(
      `B${cell}: sender email must be an address at acme.example (or one of its subdomains), the domain verified in Amazon SES for this store: mail from acme.owner@gmail.com could not be sent`,
    );
    expect(commands.filter((c) => c === 'PutObjectCommand')).toEqual([]);
    expect(await stored()).toBe(before);
  });

  it('puts the rules in force with a warning line when tier names and totals disagree in order', async () => {
    // Prepare: "medium" starts above "big".
    const rules = sampleRules();
    const odd = {
      ...rules,
      tiers: rules.tiers.map((t) => (t.name === 'medium' ? { ...t, minTotal: 200 } : t)),
    };
    const { deps, status } = setUp(rulesToRows(odd).values);

    // Act
    const outcome = await syncRules(deps);

    // Assess
    const warning =
      'tier "medium" starts at 200, above "big" (150), though its name says it is smaller: check the totals or the names';
    expect(outcome).toMatchObject({ status: 'updated', warnings: [{ cell: 'A4', message: warning }] });
    expect(String(status()).split('\n')[1]).toBe(`Warning: A4: ${warning}`);
  });

  it('reads what the owner typed as Sheets stores it: numbers, and times as day fractions unless the cell is text', async () => {
    // Prepare: every cell typed as text would be, into cells without a text format but one
    const typed = rulesToRows(sampleRules()).values.map((row) => row.map(String));
    const { spreadsheetId, deps, stored } = setUp([]);
    google.formatAsText(spreadsheetId, 'Rules', 'B8');
    google.type(spreadsheetId, 'Rules', typed);
    const quietStart = google.values(spreadsheetId, 'Rules').find((row) => row[0] === 'Quiet hours start');
    const quietEnd = google.values(spreadsheetId, 'Rules').find((row) => row[0] === 'Quiet hours end');
    const cap = google.values(spreadsheetId, 'Rules').find((row) => row[0] === 'Frequency cap (hours)');

    // Act
    const outcome = await syncRules(deps);

    // Assess
    expect(quietStart?.[1]).toBe(0.875);
    expect(quietEnd?.[1]).toBe('08:00');
    expect(cap?.[1]).toBe(sampleRules().frequencyCapHours);
    expect(outcome.status).toBe('updated');
    expect(await stored()).toBe(rulesYaml(sampleRules()));
  });

  it('writes nothing to S3 when the rules did not change', async () => {
    // Prepare
    const { deps, clock, commands, status } = setUp();
    const first = await syncRules(deps);
    clock.advance(15 * 60_000);

    // Act
    const second = await syncRules(deps);

    // Assess
    expect(second).toMatchObject({ status: 'unchanged' });
    expect(second.status !== 'rejected' && second.version).toBe(first.status !== 'rejected' && first.version);
    expect(commands.filter((c) => c === 'PutObjectCommand')).toHaveLength(2);
    expect(commands.filter((c) => c === 'GetObjectCommand')).toHaveLength(4);
    // "since" is when S3 stored the object (s3rver's wall clock).
    expect(status()).toMatch(
      /^Rules version [0-9a-f]{32} in force since \d{4}-\d\d-\d\d \d\d:\d\d America\/New_York\.$/,
    );
  });

  it('writes a new version when the owner changes a rule', async () => {
    // Prepare
    const { deps, spreadsheetId, clock, stored } = setUp();
    const first = await syncRules(deps);
    google.setValues(spreadsheetId, 'Rules', rulesToRows(sampleRules({ frequencyCapHours: 48 })).values);
    clock.advance(15 * 60_000);

    // Act
    const second = await syncRules(deps);

    // Assess
    expect(second).toMatchObject({ status: 'updated', since: '2026-06-10T14:15:00.000Z' });
    expect(second.status !== 'rejected' && second.version).not.toBe(
      first.status !== 'rejected' && first.version,
    );
    expect(await stored()).toContain('frequencyCapHours: 48');
  });

  it('keeps the rules in force and lists the errors in the status cell when the tab is invalid', async () => {
    // Prepare
    const { deps, spreadsheetId, stored, commands, status } = setUp();
    const good = await syncRules(deps);
    const values = rulesToRows(sampleRules()).values;
    values[2] = ['medium', 50, 500, 22];
    values[12] = ['Consent', 'sometimes'];
    google.setValues(spreadsheetId, 'Rules', values);

    // Act
    const outcome = await syncRules(deps);

    // Assess
    expect(outcome).toEqual({
      status: 'rejected',
      keptVersion: good.status !== 'rejected' ? good.version : 'none',
      errors: [
        { cell: 'C3', message: 'first reminder after must be a number of hours between 0.25 and 168' },
        { cell: 'B13', message: 'consent must be one of: any, first_only, required' },
      ],
    });
    expect(await stored()).toBe(rulesYaml(sampleRules()));
    expect(commands.filter((c) => c === 'PutObjectCommand')).toHaveLength(2);
    const [head, ...listed] = String(status()).split('\n');
    expect(head).toMatch(
      new RegExp(
        `^Rules NOT updated: 2 problems in this tab\\. Version ${
          good.status !== 'rejected' ? good.version : 'none'
        } stays in force \\(since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d America/New_York\\)\\.$`,
      ),
    );
    expect(listed).toEqual([
      'C3: first reminder after must be a number of hours between 0.25 and 168',
      'B13: consent must be one of: any, first_only, required',
    ]);
  });

  it('writes nothing to S3 for an invalid tab when there are no rules yet, and says so', async () => {
    // Prepare
    const values = rulesToRows(sampleRules()).values.filter((row) => row[0] !== 'Sender email');
    const { deps, commands, status, stored } = setUp(values);

    // Act
    const outcome = await syncRules(deps);

    // Assess
    expect(outcome).toMatchObject({ status: 'rejected', keptVersion: undefined });
    expect(commands).not.toContain('PutObjectCommand');
    await expect(stored()).rejects.toMatchObject({ name: 'NoSuchKey' });
    expect(status()).toContain('No rules are in force yet');
    expect(status()).toContain('add a row "Sender email"');
  });

  it('replaces an object someone broke by hand with the rules of the tab', async () => {
    // Prepare
    const { deps, key, stored, storedJson } = setUp();
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '{"store": [' }));

    // Act
    const outcome = await syncRules(deps);

    // Assess
    expect(outcome.status).toBe('updated');
    expect(await stored()).toBe(rulesYaml(sampleRules()));
    expect(await storedJson()).toBe(rulesJson(sampleRules()));
  });

  it('writes the JSON the engine lacks when the YAML is already the tab (a JSON write that failed)', async () => {
    // Prepare
    const { deps, yamlKey, key } = setUp();
    await s3.client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: yamlKey, Body: rulesYaml(sampleRules()) }),
    );

    // Act
    const outcome = await syncRules(deps);

    // Assess
    const engineView = await new S3RulesSource({ client: s3.client, bucket: BUCKET, key }).current();
    expect(outcome).toMatchObject({ status: 'updated', version: engineView.version });
    expect(engineView.rules).toEqual(sampleRules());
  });

  it('rewrites a YAML someone replaced by hand even though the JSON is the tab', async () => {
    // Prepare
    const { deps, yamlKey, stored } = setUp();
    await syncRules(deps);
    await s3.client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: yamlKey, Body: 'store: { name: Someone else }\n' }),
    );

    // Act
    const outcome = await syncRules(deps);

    // Assess
    expect(outcome.status).toBe('updated');
    expect(await stored()).toBe(rulesYaml(sampleRules()));
  });

  it('backs off on 429 from Google, then syncs', async () => {
    // Prepare
    const { deps, waits, stored } = setUp();
    google.failNext(2, { status: 429, retryAfterSeconds: 1 });

    // Act
    const outcome = await syncRules(deps);

    // Assess
    expect(outcome.status).toBe('updated');
    expect(waits).toHaveLength(2);
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(1_000);
    expect(await stored()).toBe(rulesYaml(sampleRules()));
  });

  it('touches nothing when Google stays unavailable', async () => {
    // Prepare
    const { deps, commands } = setUp();
    google.failNext(5, { status: 503 });

    // Act
    const failure = await syncRules(deps).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(GoogleSheetsError);
    expect(commands).toEqual([]);
  });
});
