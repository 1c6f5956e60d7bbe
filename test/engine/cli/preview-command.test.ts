import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cli } from '#test/fakes/cli-run.js';

const RULES = new URL('../../../examples/preview/rules.yaml', import.meta.url).pathname;
const CART = new URL('../../../examples/preview/cart-de.json', import.meta.url).pathname;
const EXAMPLE_RULES = new URL('../../../examples/rules.yaml', import.meta.url).pathname;

describe('cart-recovery preview', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cart-recovery-preview-'));
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the HTML, text and .eml of the German second reminder with its discount', async () => {
    // Prepare
    const out = join(dir, 'de');

    // Act
    const result = await cli([
      'preview',
      '--rules',
      RULES,
      '--cart',
      CART,
      '--n',
      '2',
      '--at',
      '2026-12-01T10:00:00Z',
      '--out',
      out,
    ]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.out).toContain(
      'reminder 2: "Noch unentschlossen? Ihr Warenkorb bei Berg & Tal Outdoor wartet"',
    );
    const html = await readFile(join(out, 'reminder-2.html'), 'utf8');
    const text = await readFile(join(out, 'reminder-2.txt'), 'utf8');
    const eml = await simpleParser(await readFile(join(out, 'reminder-2.eml')));
    expect(html).toContain('<html lang="de"');
    expect(html).toContain('DANKE10');
    expect(text).toContain(
      'Ihr Code: DANKE10\nAb einem Bestellwert von 50,00\u00a0€. Gültig bis 31. Dezember 2026.',
    );
    expect(text).toContain('Merino-Wandersocken (Menge: 3 · je 14,50\u00a0€): 43,50\u00a0€');
    expect(eml.subject).toBe('Noch unentschlossen? Ihr Warenkorb bei Berg & Tal Outdoor wartet');
    expect(eml.replyTo?.text).toBe('hilfe@berg-und-tal.example');
    expect(eml.to && 'text' in eml.to ? eml.to.text : '').toBe('joerg@example.com');
    expect(eml.headerLines.map((h) => h.line)).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    // The .eml holds the very HTML and text written beside it.
    expect(eml.html).toBe(html);
    expect(eml.text?.trim()).toBe(text.trim());
    await expect(readFile(join(out, 'reminder-1.html'))).rejects.toThrow(/ENOENT/);
  });

  it('hides the discount once it has expired, the day after its last day', async () => {
    // Act
    const out = join(dir, 'expired');
    const result = await cli([
      'preview',
      '--rules',
      RULES,
      '--cart',
      CART,
      '--n',
      '2',
      '--at',
      '2027-01-01T00:00:00Z',
      '--out',
      out,
    ]);

    // Assess
    expect(result.code).toBe(0);
    expect(await readFile(join(out, 'reminder-2.html'), 'utf8')).not.toContain('DANKE10');
  });

  it('writes both reminders of a sample cart in the language asked for', async () => {
    // Act
    const out = join(dir, 'sample');
    const result = await cli(['preview', '--rules', EXAMPLE_RULES, '--locale', 'it', '--out', out]);

    // Assess
    expect(result.code).toBe(0);
    expect(await readFile(join(out, 'reminder-1.txt'), 'utf8')).toMatch(/^Ciao Alex,\n/);
    expect(await readFile(join(out, 'reminder-2.html'), 'utf8')).toContain('Completa l’ordine');
  });

  it.each([
    [['--out', 'x'], 'preview: give the rules file (--rules FILE.yaml)'],
    [['--rules', EXAMPLE_RULES], 'preview: give the folder to write to (--out DIR)'],
    [['--rules', EXAMPLE_RULES, '--out', 'x', '--n', '3'], '--n must be 1 or 2, got "3"'],
    [
      ['--rules', EXAMPLE_RULES, '--out', 'x', '--locale', 'ja'],
      '--locale must be one of en, de, fr, es, it, nl, pt',
    ],
    [['--rules', EXAMPLE_RULES, '--out', 'x', '--at', 'soon'], '--at must be an ISO-8601 time, got "soon"'],
    [
      ['--rules', '/nonexistent/rules.yaml', '--out', 'x'],
      'cannot read the rules file /nonexistent/rules.yaml',
    ],
  ])('refuses %j with exit code 2 and says why', async (args, message) => {
    // Act
    const result = await cli(['preview', ...args]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
    expect(result.err).toContain('Run "cart-recovery preview --help" for usage.');
  });

  it('names every bad field of a cart file, and a file that is not JSON', async () => {
    // Prepare
    const bad = join(dir, 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({ id: 'c1', currency: 'EURO', total: '1', items: [], returnUrl: 'ftp://x' }),
    );
    const notJson = join(dir, 'not.json');
    await writeFile(notJson, '{ nope');

    // Act
    const fields = await cli(['preview', '--rules', EXAMPLE_RULES, '--cart', bad, '--out', join(dir, 'o')]);
    const broken = await cli([
      'preview',
      '--rules',
      EXAMPLE_RULES,
      '--cart',
      notJson,
      '--out',
      join(dir, 'o'),
    ]);

    // Assess
    expect(fields.code).toBe(2);
    expect(fields.err).toContain('cart.currency: currency must be a three-letter code such as "USD"');
    expect(fields.err).toContain('cart.returnUrl: returnUrl must be an http(s) URL');
    expect(broken.code).toBe(2);
    expect(broken.err).toContain(`the cart file ${notJson} is not JSON`);
  });
});
