import { type ExecFileException, execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rulesCommand } from '#engine/cli/rules-command.js';
import { RulesValidationError } from '#engine/domain/errors.js';
import { signatureHeader } from '#engine/domain/request-signature.js';
import { DataFolderInUseError } from '#engine/local/data-folder-lock.js';
import {
  demoFlags,
  type LocalStack,
  PortInUseError,
  startLocalStack,
  startOptions,
} from '#engine/local/start.js';
import { cartUpdatedEvent, daytimeZone, postSigned, waitFor } from '#test/fakes/storefront-events.js';
import { localStackArgs } from '#test/peers/local-stack-process.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('npm start for a developer', () => {
  let stack: LocalStack;
  let dataDir: string;
  const lines: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cr-developer-'));
    stack = await startLocalStack({
      port: 0,
      sesPort: 0,
      dataDir,
      quiet: true,
      onActivity: (line) => lines.push(line),
    });
  });

  afterAll(async () => {
    await stack?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('prints one line per event answered and per email sent, with a hash instead of the address', async () => {
    // Prepare: a cart past its wait, for a shopper where it is daytime, so its reminder goes at once.
    const event = cartUpdatedEvent({
      eventId: 'evt-dev-1',
      cartId: 'cart-dev-1',
      email: 'dev.shopper@example.com',
      minutesAgo: 90,
      timezone: daytimeZone(),
    });

    // Act
    const first = await postSigned(`${stack.url}/webhook`, stack.secrets.webhookSecret, event);
    const again = await postSigned(`${stack.url}/webhook`, stack.secrets.webhookSecret, event);
    await stack.fireDue();
    await waitFor('the email line', async () => lines.find((l) => l.startsWith('email sent')), {
      timeoutMs: 30_000,
    });

    // Assess
    expect([first.status, again.status]).toEqual([202, 200]);
    expect(lines.slice(0, 2)).toEqual([
      'event accepted   evt-dev-1 (cart cart-dev-1)',
      'event duplicate  evt-dev-1 (cart cart-dev-1): already stored, nothing changed',
    ]);
    expect(lines.find((l) => l.startsWith('email sent'))).toMatch(/^email sent {7}to [\w-]{12}: "/);
    expect(lines.join('\n')).not.toContain('dev.shopper');
  });

  it("shows a cart as the engine keeps it, without the shopper's address", async () => {
    // Act
    const response = await fetch(`${stack.url}/local/carts/cart-dev-1`);
    const missing = await fetch(`${stack.url}/local/carts/no-such-cart`);

    // Assess
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ id: 'cart-dev-1', status: 'open', reminders: [{ n: 1 }] });
    expect(text).not.toContain('dev.shopper');
    expect(missing.status).toBe(404);
  });

  it('answers a request target no URL is made of, or a broken escape in a cart id, with 400', async () => {
    // Act: raw request targets, as fetch would not send them.
    const statusOf = (path: string) =>
      new Promise<number | undefined>((resolve, reject) => {
        const { hostname, port } = new URL(stack.url);
        get({ hostname, port, path }, (response) => {
          response.resume();
          resolve(response.statusCode);
        }).on('error', reject);
      });
    const statuses = await Promise.all(
      ['//', 'http://[/webhook', '/local/carts/%', '/local/carts/%E0%A4%A'].map(statusOf),
    );

    // Assess
    expect(statuses).toEqual([400, 400, 400, 400]);
  });

  it('hands a JSON body that is not valid UTF-8 on as its bytes: 400 invalid_utf8, not a signature mismatch', async () => {
    // Prepare: signed over the very bytes sent.
    const raw = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const t = Math.floor(Date.now() / 1000);

    // Act
    const response = await fetch(`${stack.url}/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'cart-recovery-signature': signatureHeader(stack.secrets.webhookSecret, raw, t),
      },
      body: raw,
    });

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_utf8' });
  });

  it('takes a rules doc only as YAML, so a web page cannot post one with a plain form (415)', async () => {
    // Act: the two types a page may send another origin without asking first.
    const example = await readFile('examples/rules.yaml', 'utf8');
    const statuses = await Promise.all(
      ['text/plain', 'application/x-www-form-urlencoded'].map(
        async (type) =>
          (
            await fetch(`${stack.url}/local/rules`, {
              method: 'POST',
              headers: { 'content-type': type },
              body: example,
            })
          ).status,
      ),
    );

    // Assess
    expect(statuses).toEqual([415, 415]);
  });

  it('puts rules in force with "rules publish --local", warns of odd tiers, and refuses a bad doc by field', async () => {
    // Prepare
    const example = await readFile('examples/rules.yaml', 'utf8');
    const good = join(dataDir, 'rules-good.yaml');
    const bad = join(dataDir, 'rules-bad.yaml');
    await writeFile(good, example.replace('{ name: medium, minTotal: 50', '{ name: medium, minTotal: 200'));
    await writeFile(bad, example.replace('frequencyCapHours: 72', 'frequencyCapHours: -1'));
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };

    // Act
    const code = await rulesCommand(['publish', good, '--local', '--url', stack.url], io);
    const refused = rulesCommand(['publish', bad, '--local', '--url', stack.url], io);

    // Assess
    expect(code).toBe(0);
    expect(out[0]).toMatch(
      /^Rules published to the local stack at http:\/\/127\.0\.0\.1:\d+: version \w+\.$/,
    );
    expect(err).toEqual([
      `warning: ${good}: tier "medium" starts at 200, above "big" (150), though its name says it is smaller: check the totals or the names`,
    ]);
    await expect(refused).rejects.toBeInstanceOf(RulesValidationError);
    await expect(refused).rejects.toMatchObject({ errors: [{ path: 'frequencyCapHours' }] });
  });

  it("tells the demo every address of a stack on other ports than the demo's defaults", () => {
    // Act
    const flags = demoFlags(stack);

    // Assess: the Stripe API is there too, which the demo's --stores needs.
    expect(flags).toBe(
      ` -- --url ${stack.url} --mail ${stack.mailViewer} --data ${dataDir} --stripe-api ${stack.stripe.endpoint}`,
    );
    expect(stack.stripe.endpoint).not.toBe('http://127.0.0.1:8006');
  });

  it('says which flag to use when the port is taken', async () => {
    const port = Number(new URL(stack.url).port);
    const otherDir = await mkdtemp(join(tmpdir(), 'cr-developer-port-'));

    await expect(startLocalStack({ port, sesPort: 0, dataDir: otherDir, quiet: true })).rejects.toThrow(
      new PortInUseError(port, '--port'),
    );
    await rm(otherDir, { recursive: true, force: true });
    expect(new PortInUseError(3000, '--port').message).toBe(
      'port 3000 is in use: start with --port 3100 (or stop what is using it)',
    );
  });

  it('refuses a second npm start on the data folder in use, in one line naming it and the pid, exit 2', async () => {
    // Act: on other ports, so only the folder is shared.
    const inProcess = await startLocalStack({
      port: 0,
      sesPort: 0,
      stripePort: 0,
      dataDir,
      quiet: true,
    }).catch((error: unknown) => error);
    const entry = await run(process.execPath, localStackArgs(dataDir), { cwd: ROOT, timeout: 60_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (error: ExecFileException & { stderr?: string }) => ({ code: error.code, stderr: error.stderr }),
    );

    // Assess
    expect(inProcess).toBeInstanceOf(DataFolderInUseError);
    expect(inProcess).toMatchObject({ dataDir, pid: process.pid });
    expect(entry).toEqual({
      code: 2,
      stderr: `cart-recovery local stack: data folder ${dataDir} is in use by pid ${process.pid}: stop that "npm start" first, or start with another --data\n`,
    });
    expect((await fetch(`${stack.url}/local/carts/cart-dev-1`)).status).toBe(200);
  });

  it('has the demo name a --mail it cannot reach, and what to check', async () => {
    // Prepare: a port nothing listens on any more.
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const mail = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((done) => closed.close(done));

    // Act
    const demo = await run(
      process.execPath,
      ['--import', 'tsx', 'engine/local/demo.ts', '--url', stack.url, '--mail', mail, '--data', dataDir],
      { cwd: ROOT, timeout: 60_000 },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: ExecFileException & { stderr?: string }) => ({ code: error.code, stderr: error.stderr }),
    );

    // Assess
    expect(demo).toEqual({
      code: 1,
      stderr: `demo: cannot read the mail viewer at ${mail} (no answer): is "npm start" running, and is --mail the "Mail viewer" its banner shows?\n`,
    });
  });

  it('reads its flags, naming a bad one', () => {
    expect(
      startOptions([
        '--port',
        '3100',
        '--ses-port',
        '8105',
        '--stripe-port',
        '8106',
        '--data',
        'x',
        '--speed',
        '60',
      ]),
    ).toEqual({
      port: 3100,
      sesPort: 8105,
      stripePort: 8106,
      dataDir: 'x',
      speed: 60,
      polishDelayMs: 0,
    });
    expect(startOptions(['--help'])).toBeUndefined();
    expect(() => startOptions(['--port', 'abc'])).toThrow(
      '--port must be a whole number from 0 to 65535, got "abc"',
    );
    expect(() => startOptions(['--prot', '1'])).toThrow("Unknown option '--prot'");
  });
});
