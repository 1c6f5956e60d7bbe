import { type ExecFileException, execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioInput } from '#engine/simulation/scenario-line.js';
import { checkedOut, updated } from './scenario-builders.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'cart-recovery.js');
const RULES = join(ROOT, 'examples', 'rules.yaml');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cart-recovery ARGS` as a child process and returns its exit code and output, whatever the code. */
async function cli(args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as ExecFileException & { stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** Runs `cart-recovery ARGS` with its stdout closed at once, as `| head` closes it: exit code and stderr. */
function cliIntoClosedPipe(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

/** A scenario file's text: one JSON object per line with `at` as an ISO string. */
function jsonl(inputs: ScenarioInput[]): string {
  return inputs
    .map((input) => `${JSON.stringify({ ...input, at: new Date(input.at).toISOString() })}\n`)
    .join('');
}

const parseLines = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { at: string; kind: string } & Record<string, unknown>);

describe('cart-recovery simulate', () => {
  let dir: string;
  let scenarioFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cart-recovery-cli-'));
    scenarioFile = join(dir, 'scenario.jsonl');
    // cart-1001 (big, New York) at 14:00Z is reminded at 15:00Z, its reminder 2 (15:00Z + 20 h =
    // 11:00Z June 11 = 07:00 EDT) deferred to 08:00 EDT = 12:00Z, and bought at 16:00Z; cart-N of
    // another shopper, big, at 00:30Z June 11 = 20:30 EDT is due 21:30 EDT, deferred to 08:00 EDT =
    // 12:00Z, and its reminder 2 (12:00Z + 20 h = 08:00Z June 12 = 04:00 EDT) to 12:00Z June 12.
    await writeFile(
      scenarioFile,
      `# a comment line, skipped\n${jsonl([
        updated('2026-06-10T14:00Z'),
        checkedOut('2026-06-10T16:00Z'),
        updated('2026-06-11T00:30Z', { id: 'cart-N', email: 'night@example.com' }),
      ])}`,
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints one JSON object per line on stdout, in time order', async () => {
    // Act
    const result = await cli([
      'simulate',
      '--scenario',
      scenarioFile,
      '--rules',
      RULES,
      '--until',
      '2026-06-11T13:00:00Z',
    ]);

    // Assess
    expect(result.code).toBe(0);
    const lines = parseLines(result.stdout);
    expect(lines).toEqual([
      {
        at: '2026-06-10T15:00:00.000Z',
        kind: 'reminder',
        cartId: 'cart-1001',
        n: 1,
        to: 'Shopper@Example.com',
        subject: 'Your cart at Acme Outfitters is saved',
      },
      {
        at: '2026-06-10T15:00:00.000Z',
        kind: 'deferred',
        cartId: 'cart-1001',
        n: 2,
        from: '2026-06-11T11:00:00.000Z',
        until: '2026-06-11T12:00:00.000Z',
        reason: 'quiet_hours',
      },
      { at: '2026-06-10T16:00:00.000Z', kind: 'closed', cartId: 'cart-1001', status: 'recovered' },
      {
        at: '2026-06-11T00:30:00.000Z',
        kind: 'deferred',
        cartId: 'cart-N',
        n: 1,
        from: '2026-06-11T01:30:00.000Z',
        until: '2026-06-11T12:00:00.000Z',
        reason: 'quiet_hours',
      },
      {
        at: '2026-06-11T12:00:00.000Z',
        kind: 'reminder',
        cartId: 'cart-N',
        n: 1,
        to: 'night@example.com',
        subject: 'Your cart at Acme Outfitters is saved',
      },
      {
        at: '2026-06-11T12:00:00.000Z',
        kind: 'deferred',
        cartId: 'cart-N',
        n: 2,
        from: '2026-06-12T08:00:00.000Z',
        until: '2026-06-12T12:00:00.000Z',
        reason: 'quiet_hours',
      },
    ]);
    const times = lines.map((line) => line.at);
    expect(times).toEqual([...times].sort());
  });

  it('explains the decisions about one cart with their reasons', async () => {
    // Act
    const result = await cli([
      'simulate',
      '--scenario',
      scenarioFile,
      '--rules',
      RULES,
      '--until',
      '2026-06-11T13:00:00Z',
      '--explain',
      'cart-N',
    ]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Cart cart-N: \d+ decision\(s\)/);
    expect(result.stdout).toContain('tier big: total 178.50 USD is at least 150');
    expect(result.stdout).toContain(
      'reminder 1 is due 1 h after the last activity, at 2026-06-11T01:30:00.000Z',
    );
    expect(result.stdout).toContain(
      '2026-06-10 21:30 in America/New_York is inside quiet hours (21:00-08:00); it waits until 2026-06-11 08:00 local',
    );
    expect(result.stdout).toContain('send reminder 1');
    expect(result.stdout).not.toContain('"kind"');
  });

  it('writes each reminder as an .eml and an .html file with --outbox', async () => {
    // Prepare
    const outbox = join(dir, 'outbox');

    // Act
    const result = await cli([
      'simulate',
      '--scenario',
      scenarioFile,
      '--rules',
      RULES,
      '--until',
      '2026-06-11T13:00:00Z',
      '--outbox',
      outbox,
    ]);

    // Assess
    expect(result.code).toBe(0);
    expect((await readdir(outbox)).sort()).toEqual([
      '0001-cart-1001-r1.eml',
      '0001-cart-1001-r1.html',
      '0002-cart-N-r1.eml',
      '0002-cart-N-r1.html',
    ]);
    const eml = await readFile(join(outbox, '0002-cart-N-r1.eml'), 'utf8');
    expect(eml).toMatch(/^To: night@example\.com$/m);
    expect(eml).toMatch(/^Subject: Your cart at Acme Outfitters is saved$/m);
    expect(eml).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    const html = await readFile(join(outbox, '0001-cart-1001-r1.html'), 'utf8');
    expect(html).toContain('Trail Runner Shoes');
    expect(result.stderr).toContain(`wrote 2 reminder(s) to ${outbox}`);
  });

  it('exits 2 naming the field path when the rules file is invalid', async () => {
    // Prepare
    const rules = join(dir, 'bad-rules.yaml');
    await writeFile(
      rules,
      'store:\n  name: Acme\n  timezone: Mars/Olympus\n  fromEmail: hello@acme.example\n  address: "1 Main St"\nmaxReminders: 3\n',
    );

    // Act
    const result = await cli(['simulate', '--scenario', scenarioFile, '--rules', rules]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('The rules doc is invalid');
    expect(result.stderr).toContain(
      'store.timezone: must be a time zone name such as "America/New_York" (IANA)',
    );
    expect(result.stderr).toContain('maxReminders: maximum reminders must be 0, 1 or 2 (never more than 2)');
  });

  it('exits 2 naming the line number of a bad scenario line', async () => {
    // Prepare: line 1 good, line 2 blank, line 3 a comment, line 4 without "at".
    const file = join(dir, 'bad-scenario.jsonl');
    await writeFile(file, `${jsonl([updated('2026-06-10T14:00Z')])}\n# next line is wrong\n{"event":{}}\n`);

    // Act
    const result = await cli(['simulate', '--scenario', file, '--rules', RULES]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Scenario line 4 is invalid');
    expect(result.stderr).toContain('  at: at must be an ISO-8601 time with an offset');
  });

  it('prints the same summary table for the same seed twice', async () => {
    // Act
    const args = ['simulate', '--generate', '200', '--days', '5', '--seed', '3', '--rules', RULES];
    const [first, second] = await Promise.all([cli(args), cli(args)]);

    // Assess
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Simulated 200 carts over 5 days \(seed 3\), settled until /);
    expect(first.stdout).toMatch(/^carts\s+200$/m);
    expect(first.stdout).toMatch(/^reminders sent\s+\d+$/m);
    expect(first.stdout).toMatch(/^closed, by status/m);
    expect(first.stdout).toMatch(/^still open\s+\d+$/m);
    expect(second.stdout).toBe(first.stdout);
  });

  it('prints the same summary for a month split into shards on worker threads as for one thread', async () => {
    // Act
    const args = [
      'simulate',
      '--generate',
      '600',
      '--days',
      '4',
      '--seed',
      '9',
      '--holdout',
      '10',
      '--rules',
      RULES,
    ];
    const [one, three] = await Promise.all([
      cli([...args, '--shards', '1']),
      cli([...args, '--shards', '3']),
    ]);
    const ordered = await cli([...args, '--shards', '2', '--out', join(dir, 'out.jsonl')]);

    // Assess
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^carts\s+600$/m);
    expect(three.stdout).toBe(one.stdout);
    expect(ordered.code).toBe(2);
    expect(ordered.stderr).toContain(
      '--out needs the month in time order, in one thread: leave out --shards or give --shards 1',
    );
  });

  it('accounts for every generated cart in the summary: closed by status or still open', async () => {
    // Act: the generated month includes owner suppressions and write-offs.
    const result = await cli([
      'simulate',
      '--generate',
      '200',
      '--days',
      '5',
      '--seed',
      '3',
      '--rules',
      RULES,
    ]);

    // Assess
    const count = (label: string) => {
      const match = new RegExp(`^${label}\\s+([\\d,]+)$`, 'm').exec(result.stdout);
      if (!match?.[1]) throw new Error(`no "${label}" row in:\n${result.stdout}`);
      return Number(match[1].replace(/,/g, ''));
    };
    const statuses = ['purchased', 'recovered', 'given_up', 'unsubscribed', 'suppressed', 'written_off'];
    const closed = statuses.reduce((sum, status) => sum + count(`  ${status}`), 0);
    expect(closed + count('still open')).toBe(count('carts'));
  });
  it('measures, in a generated month with a 10% holdout, a lift whose interval holds the simulated truth', async () => {
    // Act
    const result = await cli([
      'simulate',
      '--generate',
      '3000',
      '--seed',
      '7',
      '--holdout',
      '10',
      '--uplift',
      '0.05',
      '--rules',
      RULES,
    ]);

    // Assess
    expect(result.code).toBe(0);
    const lift =
      /^lift of reminders\s+([+-][\d.]+) purchases per 100 abandoned carts \(95%: ([+-][\d.]+) to ([+-][\d.]+)\)$/m.exec(
        result.stdout,
      );
    if (!lift) throw new Error(`no lift row in:\n${result.stdout}`);
    const [value, lower, upper] = lift.slice(1, 4).map(Number) as [number, number, number];
    expect(lower).toBeLessThanOrEqual(5);
    expect(upper).toBeGreaterThanOrEqual(5);
    expect(lower).toBeLessThan(value);
    expect(upper - lower).toBeLessThan(15);
    expect(result.stdout).toMatch(/^ {2}held out\s+\d+ abandoned carts, \d+ bought \([\d.]+%\)$/m);
    expect(result.stdout).toContain(
      'simulated truth: +5.0 purchases per 100 abandoned carts (--uplift 0.05, holdout 10%)',
    );
  });

  it('says there are not enough carts to tell the lift without a holdout, and refuses a holdout over 50', async () => {
    // Act
    const none = await cli(['simulate', '--generate', '100', '--days', '3', '--rules', RULES]);
    const over = await cli(['simulate', '--generate', '100', '--holdout', '60', '--rules', RULES]);
    const badRate = await cli(['simulate', '--generate', '100', '--uplift', '2', '--rules', RULES]);

    // Assess
    expect(none.stdout).toMatch(
      /^lift of reminders\s+not enough carts yet to say \(30 needed in each group\)$/m,
    );
    expect(over.code).toBe(2);
    expect(over.stderr).toContain('--holdout must be a whole percentage from 0 to 50, got "60"');
    expect(badRate.code).toBe(2);
    expect(badRate.stderr).toContain('--uplift must be a chance from 0 to 1, such as 0.05, got "2"');
  });
  it('runs as npm run simulate too', async () => {
    // Act
    const { stdout } = await run(
      'npm',
      ['run', '--silent', 'simulate', '--', '--generate', '50', '--days', '2'],
      {
        cwd: ROOT,
        timeout: 60_000,
      },
    );

    // Assess
    expect(stdout).toMatch(/^Simulated 50 carts over 2 days \(seed 1\)/);
  });

  it('ends quietly when the reader of its output stops early, as under | head', async () => {
    // Prepare: a month long enough that its lines need many writes.
    const month = join(dir, 'month.jsonl');
    const saved = await cli([
      'simulate',
      '--generate',
      '300',
      '--days',
      '5',
      '--save-scenario',
      month,
      '--rules',
      RULES,
    ]);

    // Act: the lines go straight to the file descriptor; the summary through console.log.
    const lines = await cliIntoClosedPipe(['simulate', '--scenario', month, '--rules', RULES]);
    const summary = await cliIntoClosedPipe([
      'simulate',
      '--generate',
      '300',
      '--days',
      '5',
      '--rules',
      RULES,
    ]);

    // Assess
    expect(saved.code).toBe(0);
    expect(lines).toEqual({ code: 0, stderr: '' });
    expect(summary.code).toBe(0);
    expect(summary.stderr).not.toMatch(/EPIPE|Error/);
  });

  it('explains a held-out reminder with its reason', async () => {
    // Prepare: the example rules with half the shoppers held out
    const dir = await mkdtemp(join(tmpdir(), 'cr-holdout-'));
    const rules = join(dir, 'rules.yaml');
    const text = await readFile(RULES, 'utf8');
    await writeFile(rules, text.replace(/^holdoutPercent: 0/m, 'holdoutPercent: 50'));

    // Act
    const result = await cli([
      'simulate',
      '--scenario',
      join(ROOT, 'examples', 'scenario.jsonl'),
      '--rules',
      rules,
      '--explain',
      'cart_e',
    ]);
    await rm(dir, { recursive: true, force: true });

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('-> skip reminder 1 (held out)');
    expect(result.stdout).toMatch(
      /- held out: this shopper is in the 50% holdout \(the keyed hash of their email falls in bucket \d+ of 100\)/,
    );
  });
});
