import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '#engine/local/start.js';
import { toCsv } from '#sheets-sync/csv-carts-tab.js';
import { IMPORT_HEADERS } from '#sheets-sync/import-rows.js';
import { cartUpdatedEvent, postSigned } from '#test/fakes/storefront-events.js';

// The default rules' store is in New York.
const ZONE = 'America/New_York';
const localDate = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(at);

describe('local owner jobs over HTTP', () => {
  let stack: LocalStack;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cr-owner-jobs-'));
    stack = await startLocalStack({ port: 0, sesPort: 0, dataDir, quiet: true });
  });

  afterAll(async () => {
    await stack?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const post = async (path: string) => {
    const response = await fetch(`${stack.url}${path}`, { method: 'POST' });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it("writes the night's carts to a CSV file and the import outcomes back into import.csv", async () => {
    // Prepare
    const now = new Date();
    // The night of the cart's last activity (a minute ago), even just after the store's midnight.
    const night = localDate(new Date(now.getTime() - 60_000));
    const event = cartUpdatedEvent({
      eventId: 'evt-owner-jobs-1',
      cartId: 'cart-owner-jobs-1',
      email: 'jobs@example.com',
      minutesAgo: 1,
      timezone: ZONE,
      now,
    });
    expect((await postSigned(`${stack.url}/webhook`, stack.secrets.webhookSecret, event)).status).toBe(202);
    const lastActivity = new Intl.DateTimeFormat('sv-SE', {
      timeZone: ZONE,
      dateStyle: 'short',
      timeStyle: 'short',
    }).format(new Date(now.getTime() - 60_000));
    const row: Record<(typeof IMPORT_HEADERS)[number], string> = {
      'Cart ID': 'cart-imported-1',
      Email: 'imported@example.com',
      Total: '40.00',
      Currency: 'USD',
      Items: 'Water Bottle x 2 @ 20.00',
      'Return URL': 'https://acme.example/cart/cart-imported-1',
      'Last activity': lastActivity,
      'Time zone': ZONE,
      Outcome: '',
    };
    await writeFile(
      join(dataDir, 'import.csv'),
      toCsv([[...IMPORT_HEADERS], IMPORT_HEADERS.map((h) => row[h])]),
    );

    // Act
    const answer = await post(`/local/nightly?night=${night}`);

    // Assess
    expect(answer).toMatchObject({
      status: 200,
      body: {
        night,
        exported: 2,
        imported: 1,
        errors: 0,
        exportPath: join(dataDir, 'export', `carts-${night}.csv`),
      },
    });
    const exported = await readFile(join(dataDir, 'export', `carts-${night}.csv`), 'utf8');
    expect(exported).toContain('cart-owner-jobs-1');
    expect(exported).toContain('cart-imported-1');
    expect(await readFile(join(dataDir, 'import.csv'), 'utf8')).toMatch(/,imported\r\n$/);
  });

  it("writes a month's summary as an HTML page with its chart series beside it", async () => {
    // Prepare
    const month = localDate(new Date()).slice(0, 7);

    // Act
    const answer = await post(`/local/summary?month=${month}`);

    // Assess
    expect(answer).toMatchObject({
      status: 200,
      body: { month, htmlPath: join(dataDir, 'summary', `${month}.html`), source: 'model' },
    });
    const html = await readFile(join(dataDir, 'summary', `${month}.html`), 'utf8');
    expect(html).toContain('<h1>Acme');
    // The local model's prose, its placeholders filled by code.
    expect(html).toMatch(/sent \d+ reminders about \d+ abandoned carts/);
    expect(html).not.toMatch(/\{[a-zA-Z]+\}/);
    expect(html).toContain(`${month}-chart.csv`);
    const series = await readFile(join(dataDir, 'summary', `${month}-chart.csv`), 'utf8');
    expect(series.split('\r\n')[0]).toBe('Day,Abandoned,Recovered');
    expect(series).toMatch(new RegExp(`${month}-01,\\d+,\\d+`));
  });

  it('exports today so far and summarizes this month so far when no night or month is given', async () => {
    // Prepare: a cart touched a minute ago is in today's export, whatever the store's hour.
    const now = new Date();
    const event = cartUpdatedEvent({
      eventId: 'evt-owner-jobs-today',
      cartId: 'cart-owner-jobs-today',
      email: 'today@example.com',
      minutesAgo: 0,
      timezone: ZONE,
      now,
    });
    expect((await postSigned(`${stack.url}/webhook`, stack.secrets.webhookSecret, event)).status).toBe(202);
    const today = localDate(new Date());

    // Act
    const nightly = await post('/local/nightly');
    const summary = await post('/local/summary');

    // Assess
    expect(nightly).toMatchObject({ status: 200, body: { night: today } });
    expect(await readFile(join(dataDir, 'export', `carts-${today}.csv`), 'utf8')).toContain(
      'cart-owner-jobs-today',
    );
    expect(summary).toMatchObject({ status: 200, body: { month: today.slice(0, 7) } });
  });

  it('answers 400 for a malformed night and 405 for a GET, running nothing', async () => {
    expect((await post('/local/nightly?night=yesterday')).status).toBe(400);
    expect((await fetch(`${stack.url}/local/summary`)).status).toBe(405);
  });
});
