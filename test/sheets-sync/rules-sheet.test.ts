import { describe, expect, it } from 'vitest';
import { parseRulesYaml } from '#engine/domain/rules-yaml.js';
import {
  a1,
  type CellValue,
  formatCellError,
  rowsToRulesDoc,
  rulesToRows,
  rulesYaml,
  SETTINGS,
} from '#sheets-sync/rules-sheet.js';
import { sampleRules } from '#test/fakes/sample-cart.js';

// The template of sampleRules (3 tiers): header row 1, tiers in rows 2-4, blank row 5, settings
// header row 6, then the settings from row 7 in SETTINGS order.
function ROW(label: string): number {
  const index = SETTINGS.findIndex((s) => s.label === label);
  if (index === -1) throw new Error(`no setting "${label}"`);
  return 7 + index;
}

function template(overrides: Parameters<typeof sampleRules>[0] = {}): CellValue[][] {
  return structuredClone(rulesToRows(sampleRules(overrides)).values);
}

/** Sets one cell by A1 name, growing the grid as needed. */
function setCell(values: CellValue[][], cell: string, value: CellValue): CellValue[][] {
  const match = /^([A-Z])(\d+)$/.exec(cell);
  if (!match?.[1] || !match[2]) throw new Error(`bad cell ${cell}`);
  const row = Number(match[2]) - 1;
  const column = match[1].charCodeAt(0) - 65;
  while (values.length <= row) values.push([]);
  const target = values[row] ?? [];
  values[row] = target;
  target[column] = value;
  return values;
}

function errorsOf(values: CellValue[][]): string[] {
  const result = rowsToRulesDoc(values);
  if (result.ok) throw new Error('expected the tab to be rejected');
  return result.errors.map(formatCellError);
}

describe('rulesToRows and rowsToRulesDoc', () => {
  it('gives back the same rules from the template of the rules', () => {
    // Prepare
    const rules = sampleRules({
      tiers: [
        { name: 'tiny', minTotal: 0, firstWaitHours: 0.5, secondWaitHours: 30 },
        { name: 'huge', minTotal: 500, firstWaitHours: 1.25, secondWaitHours: 12 },
      ],
      quietHours: { start: '22:30', end: '07:15' },
      frequencyCapHours: 0,
      maxReminders: 1,
      consent: 'first_only',
      store: { voice: 'cheeky, short', currency: 'EUR', timezone: 'Europe/Berlin' },
    });

    // Act
    const result = rowsToRulesDoc(rulesToRows(rules).values);

    // Assess
    expect(result).toMatchObject({ ok: true, rules });
  });

  it('lays the tab out as tiers, a blank row, then one labelled setting per row with a note', () => {
    // Act
    const { values } = rulesToRows(sampleRules());

    // Assess
    expect(values.slice(0, 6)).toEqual([
      ['Name', 'Cart total from', 'First reminder after (hours)', 'Second reminder after (hours)'],
      ['small', 0, 4, 24],
      ['medium', 50, 2, 22],
      ['big', 150, 1, 20],
      [],
      ['Setting', 'Value', 'Note'],
    ]);
    expect(values.slice(6).map((row) => row.slice(0, 2))).toEqual([
      ['Quiet hours start', '21:00'],
      ['Quiet hours end', '08:00'],
      ['Frequency cap (hours)', 72],
      ['Maximum reminders', 2],
      ['Give up after (hours)', 72],
      ['Maximum cart age (hours)', 168],
      ['Consent', 'any'],
      ['Attribution window (days)', 5],
      ['Holdout (%)', 0],
      ['Store name', 'Acme Outfitters'],
      ['Sender email', 'hello@acme.example'],
      ['Postal address', '1 Main Street, Springfield, USA'],
      ['Voice', 'warm, plain'],
      ['Store website', ''],
      ['Time zone', 'America/New_York'],
      ['Currency', 'USD'],
      ['Store language', ''],
      ['Logo', ''],
      ['Accent colour', ''],
      ['Reply-to email', ''],
      ['Discount code', ''],
      ['Discount gives', ''],
      ['Discount in reminder', ''],
      ['Discount minimum cart total', ''],
      ['Discount expires', ''],
      [],
      ['Your words: language', 'First subject'],
    ]);
    for (const row of values.slice(6, 6 + SETTINGS.length)) expect(String(row[2]).length).toBeGreaterThan(20);
    expect(values[ROW('Frequency cap (hours)') - 1]?.[2]).toContain('Default 72');
  });

  it('adds hover notes on the tier headers, validation from the engine schema, and text format for times', () => {
    // Act
    const { notes, validations, textRanges, headerRanges } = rulesToRows(sampleRules());

    // Assess
    const words = 6 + SETTINGS.length + 2;
    expect(notes.map((n) => n.cell)).toEqual([
      'A1',
      'B1',
      'C1',
      'D1',
      ...['A', 'B', 'C', 'D', 'E', 'F'].map((c) => `${c}${words}`),
    ]);
    expect(notes[0]?.note).toContain('One tier must start at 0');
    expect(notes[2]?.note).toContain('between 0.25 and 168');
    expect(validations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ range: 'B2:B4', kind: 'number', min: 0 }),
        expect.objectContaining({ range: 'C2:C4', kind: 'number', min: 0.25, max: 168 }),
        expect.objectContaining({ range: 'D2:D4', kind: 'number', min: 0.25, max: 168 }),
        expect.objectContaining({ range: `B${ROW('Frequency cap (hours)')}`, min: 0, max: 720 }),
        expect.objectContaining({ range: `B${ROW('Maximum reminders')}`, min: 0, max: 2 }),
        expect.objectContaining({ range: `B${ROW('Maximum cart age (hours)')}`, min: 1, max: 2160 }),
        {
          range: `B${ROW('Consent')}`,
          kind: 'list',
          values: ['any', 'first_only', 'required'],
          help: expect.any(String),
        },
        { range: `B${ROW('Sender email')}`, kind: 'email', help: expect.any(String) },
      ]),
    );
    expect(validations.find((v) => v.range === 'B2:B4')).not.toHaveProperty('max');
    expect(textRanges).toEqual([
      `B${ROW('Quiet hours start')}`,
      `B${ROW('Quiet hours end')}`,
      `B${ROW('Discount expires')}`,
    ]);
    expect(headerRanges).toEqual(['A1:D1', 'A6:C6', `A${words}:F${words}`]);
  });
});

describe('rowsToRulesDoc', () => {
  it('reads what the Sheets API returns for cells the owner typed', () => {
    // Prepare: unformatted values: times as day fractions, numbers typed into text cells, loose labels
    const values: CellValue[][] = [
      ['name', 'Cart Total From', 'First reminder after', 'second reminder after (hours)'],
      [' small ', '0', 4, '24'],
      ['big', 150, '1.5', 20],
      [],
      ['Setting', 'Value'],
      ['QUIET HOURS START', 0.875],
      ['Quiet hours end:', '7:30 am'],
      ['Consent', 'First only'],
      ['Store name', 'Acme Outfitters'],
      ['Sender email', 'hello@acme.example'],
      ['Postal address', '1 Main Street, Springfield, USA'],
      [],
      ['Time zone', 'America/New_York'],
      ['Currency', 'eur'],
      ['Maximum reminders', 1],
    ];

    // Act
    const result = rowsToRulesDoc(values);

    // Assess
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.rules.tiers).toEqual([
      { name: 'small', minTotal: 0, firstWaitHours: 4, secondWaitHours: 24 },
      { name: 'big', minTotal: 150, firstWaitHours: 1.5, secondWaitHours: 20 },
    ]);
    expect(result.rules.quietHours).toEqual({ start: '21:00', end: '07:30' });
    expect(result.rules.consent).toBe('first_only');
    expect(result.rules.store.currency).toBe('EUR');
    expect(result.rules.maxReminders).toBe(1);
    // Rows left out take the engine's defaults.
    expect(result.rules.frequencyCapHours).toBe(72);
    expect(result.rules.store.voice).toBe('warm, plain');
  });

  it.each([
    ['9:00 PM', '21:00'],
    ['12:15 am', '00:15'],
    ['21:00:00', '21:00'],
    [21, '21:00'],
    ['6', '06:00'],
    [0.3125, '07:30'],
    [0.99999, '00:00'],
  ])('reads the quiet hours start %j as %s', (typed, expected) => {
    // Prepare
    const values = setCell(template(), `B${ROW('Quiet hours start')}`, typed);

    // Act
    const result = rowsToRulesDoc(values);

    // Assess
    expect(result.ok && result.rules.quietHours.start).toBe(expected);
  });

  it('reads the store website, and a blank one as none', () => {
    // Prepare
    const withSite = setCell(template(), `B${ROW('Store website')}`, ' https://acme.example ');

    // Act
    const given = rowsToRulesDoc(withSite);
    const blank = rowsToRulesDoc(template());

    // Assess
    expect(given.ok && given.rules.store.url).toBe('https://acme.example');
    expect(blank.ok && 'url' in blank.rules.store).toBe(false);
  });

  it('names the cell of a store website that is not https', () => {
    // Prepare
    const values = setCell(template(), `B${ROW('Store website')}`, 'http://acme.example');

    // Act
    const result = rowsToRulesDoc(values);

    // Assess
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map(formatCellError)).toEqual([
      `B${ROW('Store website')}: store website must be an https address such as "https://acme.example"`,
    ]);
  });

  it("refuses a sender the deployment cannot send from, at the sender's cell, and takes the one it can", () => {
    // Prepare
    const sender = { domain: 'acme.example', address: 'hello@acme.example' };
    const other = setCell(template(), `B${ROW('Sender email')}`, 'sales@acme.example');

    // Act
    const good = rowsToRulesDoc(template(), { sender });
    const bad = rowsToRulesDoc(other, { sender });

    // Assess
    expect(good.ok).toBe(true);
    expect(!bad.ok && bad.errors.map(formatCellError)).toEqual([
      `B${ROW('Sender email')}: sender email must be hello@acme.example, the one address Cart Recovery may send from; to use another, ask your developer to change fromEmail in cdk.json and deploy again`,
    ]);
    expect(rowsToRulesDoc(other).ok).toBe(true);
  });

  it("warns at a tier's name cell when its name and total disagree in order", () => {
    // Prepare: "big" (row 4) starts at 40, below "medium" (row 3, 50).
    const values = setCell(template(), 'B4', 40);

    // Act
    const result = rowsToRulesDoc(values);

    // Assess
    expect(result.ok && result.warnings.map(formatCellError)).toEqual([
      'A3: tier "medium" starts at 50, above "big" (40), though its name says it is smaller: check the totals or the names',
    ]);
    expect(rowsToRulesDoc(template()).ok && rowsToRulesDoc(template())).toMatchObject({ warnings: [] });
  });

  it('finds the tier columns by their header, in any order', () => {
    // Prepare
    const values = template();
    for (const row of values.slice(0, 4)) row.reverse();

    // Act
    const result = rowsToRulesDoc(values);

    // Assess
    expect(result.ok && result.rules).toEqual(sampleRules());
  });

  it('puts every error in the cell it is about, in reading order', () => {
    // Prepare
    const values = template();
    setCell(values, 'B2', 'lots');
    setCell(values, 'C3', 500);
    setCell(values, `B${ROW('Quiet hours start')}`, '25:00');
    setCell(values, `B${ROW('Maximum reminders')}`, 3);
    setCell(values, `B${ROW('Consent')}`, 'sometimes');
    setCell(values, `B${ROW('Attribution window (days)')}`, 0);
    setCell(values, `B${ROW('Holdout (%)')}`, 60);
    setCell(values, `B${ROW('Sender email')}`, 'not an email');
    setCell(values, `B${ROW('Time zone')}`, 'Mars/Olympus');
    setCell(values, `B${ROW('Currency')}`, 'dollars');

    // Act
    const errors = errorsOf(values);

    // Assess
    expect(errors).toEqual([
      'B2: the cart total from must be a number of at least 0',
      'C3: first reminder after must be a number of hours between 0.25 and 168',
      `B${ROW('Quiet hours start')}: quiet hours start must be a 24-hour time like "21:00" (HH:MM)`,
      `B${ROW('Maximum reminders')}: maximum reminders must be 0, 1 or 2 (never more than 2)`,
      `B${ROW('Consent')}: consent must be one of: any, first_only, required`,
      `B${ROW('Attribution window (days)')}: attribution window must be a whole number of days between 1 and 30`,
      `B${ROW('Holdout (%)')}: holdout must be a whole percentage between 0 and 50`,
      `B${ROW('Sender email')}: sender email must be the email address reminders are sent from`,
      `B${ROW('Time zone')}: time zone must be a time zone name such as "America/New_York" (IANA)`,
      `B${ROW('Currency')}: currency must be a three-letter currency code such as "USD"`,
    ]);
  });

  it('puts the checks across tiers at the tier they are about, or at the header', () => {
    // Prepare: the schema runs them once every tier is valid on its own
    const values = template();
    setCell(values, 'B2', 10);
    setCell(values, 'A4', 'small');
    setCell(values, 'B4', 50);

    // Act
    const errors = errorsOf(values);

    // Assess
    expect(errors).toEqual([
      'A1: one tier must start at a cart total of 0, so every cart has a tier',
      'A4: the tier name "small" is used twice',
      'B4: two tiers start at 50',
    ]);
  });

  it('names a required setting left blank by its value cell', () => {
    // Prepare
    const values = setCell(template(), `B${ROW('Store name')}`, '  ');

    // Act
    const errors = errorsOf(values);

    // Assess
    expect(errors).toEqual([`B${ROW('Store name')}: the store name is required`]);
  });

  it('asks for a row that was deleted, naming its label', () => {
    // Prepare
    const values = template().filter((row) => row[0] !== 'Postal address');

    // Act
    const errors = errorsOf(values);

    // Assess
    expect(errors).toEqual([
      'add a row "Postal address" below the tiers: the postal address (required by anti-spam law) is required',
    ]);
  });

  it('refuses an unknown setting, a setting given twice and a value without a label, in column A', () => {
    // Prepare
    const values = template();
    // Below the last setting, above the blank row before "Your words".
    values.splice(6 + SETTINGS.length, 0, ['Colour', 'blue'], ['Consent', 'required'], ['', 'orphan']);
    const last = 6 + SETTINGS.length + 3;

    // Act
    const errors = errorsOf(values);

    // Assess
    expect(errors).toEqual([
      `A${last - 2}: "Colour" is not a known setting (check the spelling; tiers go above the blank row)`,
      `A${last - 1}: "Consent" is set twice (also in A${ROW('Consent')})`,
      `A${last}: this row has a value but no setting name in column A`,
    ]);
  });

  it('refuses a tiers table without one of its columns, at its header row', () => {
    // Prepare
    const values = template();
    setCell(values, 'D1', 'Second nudge');

    // Act
    const errors = errorsOf(values);

    // Assess
    expect(errors).toEqual([
      'A1: the tiers table needs a column headed "Second reminder after (hours)" in this row',
    ]);
  });

  it('refuses an empty tab at A1, and an empty tiers table at its header', () => {
    // Act
    const empty = errorsOf([]);
    const noTiers = errorsOf(template().filter((_, i) => i < 1 || i > 3));

    // Assess
    expect(empty).toEqual(['A1: the Rules tab is empty: it needs the tiers table, then the settings']);
    expect(noTiers).toEqual(['A1: at least one tier is needed']);
  });

  it('refuses a cell showing a formula error, naming the cell instead of publishing the error as words', () => {
    // Prepare: what the Sheets API returns for cells whose formula fails
    const values = template();
    setCell(values, `B${ROW('Store name')}`, '#REF!');
    setCell(values, `B${ROW('Postal address')}`, '#VALUE!');
    setCell(values, `B${ROW('Voice')}`, '#N/A');
    setCell(values, `B${ROW('Frequency cap (hours)')}`, '#DIV/0!');
    setCell(values, 'C3', '#NUM!');
    setCell(values, `B${ROW('Time zone')}`, 'Loading...');
    values.push(['de', '#NAME?']);

    // Act
    const errors = errorsOf(values);

    // Assess: one error per cell, never also "must be a number" for the same cell
    const fix = 'type the value itself, or fix the formula';
    expect(errors).toEqual([
      `C3: this cell shows a formula error (#NUM!): ${fix}`,
      `B${ROW('Frequency cap (hours)')}: this cell shows a formula error (#DIV/0!): ${fix}`,
      `B${ROW('Store name')}: this cell shows a formula error (#REF!): ${fix}`,
      `B${ROW('Postal address')}: this cell shows a formula error (#VALUE!): ${fix}`,
      `B${ROW('Voice')}: this cell shows a formula error (#N/A): ${fix}`,
      `B${ROW('Time zone')}: this cell shows a formula still loading (Loading...): sync again in a minute, or type the value itself`,
      `B${values.length}: this cell shows a formula error (#NAME?): ${fix}`,
    ]);
  });

  it('says once that the tiers run into the settings, for a tier typed into the blank row or the blank row deleted', () => {
    // Prepare: row 5 is the blank row between the tiers and the settings header (row 6)
    const typedIn = setCell(
      setCell(setCell(setCell(template(), 'A5', 'huge'), 'B5', 500), 'C5', 0.5),
      'D5',
      12,
    );
    const deleted = template().filter((_, i) => i !== 4);

    // Act
    const typedInErrors = errorsOf(typedIn);
    const deletedErrors = errorsOf(deleted);

    // Assess
    const hint =
      'the tiers run into the settings here: keep one blank row between the last tier and the settings ' +
      '(to add a tier, insert a row above the blank row)';
    expect(typedInErrors).toEqual([`A6: ${hint}`]);
    expect(deletedErrors).toEqual([`A5: ${hint}`]);
  });

  it('names a title row above the tiers table as such, not as a tier without a name', () => {
    // Prepare
    const values: CellValue[][] = [['Acme rules (edit me)'], ...template()];

    // Act
    const errors = errorsOf(values);

    // Assess
    expect(errors).toEqual([
      'A1: "Acme rules (edit me)" is above the tiers table, whose header is row 2: delete row 1, so the tab starts with the header row ("Name", "Cart total from", "First reminder after (hours)", "Second reminder after (hours)")',
    ]);
  });

  it('finds the tiers table below blank rows at the top', () => {
    // Prepare
    const values: CellValue[][] = [[], [''], ...template()];

    // Act
    const result = rowsToRulesDoc(values);
    const errors = errorsOf(setCell(structuredClone(values), 'C5', 0));

    // Assess
    expect(result.ok).toBe(true);
    expect(errors).toEqual(['C5: first reminder after must be a number of hours between 0.25 and 168']);
  });
});

describe('rulesYaml', () => {
  it('renders rules the engine reads back as the same rules', () => {
    // Prepare
    const rules = sampleRules({
      quietHours: { start: '00:00', end: '06:30' },
      store: { voice: 'a: b # c', url: 'https://acme.example/shop?x=1#top' },
    });

    // Act
    const yaml = rulesYaml(rules);

    // Assess
    expect(parseRulesYaml(yaml)).toEqual(rules);
  });

  it('gives identical bytes for equal rules, whatever the order they were read in', () => {
    // Prepare
    const rules = sampleRules();
    const reordered = {
      ...Object.fromEntries(Object.entries(rules).reverse()),
      tiers: [...rules.tiers].reverse(),
      store: Object.fromEntries(Object.entries(rules.store).reverse()),
    } as typeof rules;

    // Act
    const first = rulesYaml(rules);
    const second = rulesYaml(reordered);
    const changed = rulesYaml({ ...rules, frequencyCapHours: 48 });

    // Assess
    expect(second).toBe(first);
    expect(changed).not.toBe(first);
    expect(first.split('\n').filter((line) => /^\w/.test(line))).toEqual([
      'store:',
      'tiers:',
      'quietHours:',
      'frequencyCapHours: 72',
      'maxReminders: 2',
      'giveUpAfterHours: 72',
      'maxCartAgeHours: 168',
      'consent: any',
      'attributionDays: 5',
      'holdoutPercent: 0',
    ]);
  });
});

describe('a1', () => {
  it('names cells past column Z', () => {
    expect([a1(0, 0), a1(6, 3), a1(9, 25), a1(0, 26), a1(1, 27), a1(0, 701), a1(0, 702)]).toEqual([
      'A1',
      'D7',
      'Z10',
      'AA1',
      'AB2',
      'ZZ1',
      'AAA1',
    ]);
  });
});

describe('the Rules tab: your words and the discount', () => {
  const WORDS_ROW = 6 + SETTINGS.length + 2;

  it('reads a discount and a language’s words cell by cell, and writes them back the same', () => {
    // Prepare
    const values = template();
    setCell(values, `B${ROW('Discount code')}`, 'DANKE10');
    setCell(values, `B${ROW('Discount gives')}`, '10% off your order');
    setCell(values, `B${ROW('Discount in reminder')}`, 'Both');
    setCell(values, `B${ROW('Discount expires')}`, 46387);
    setCell(values, `B${ROW('Store language')}`, 'German');
    values.push(['Deutsch', '', '', 'Noch da, bei {store}', '', '10 % Rabatt']);

    // Act
    const result = rowsToRulesDoc(values);

    // Assess
    if (!result.ok) throw new Error(result.errors.map(formatCellError).join('; '));
    expect(result.rules.discount).toEqual({
      code: 'DANKE10',
      description: '10% off your order',
      reminders: 'both',
      expires: '2026-12-31',
    });
    expect(result.rules.store.language).toBe('de');
    expect(result.rules.messages).toEqual({
      de: { secondSubject: 'Noch da, bei {store}', discount: '10 % Rabatt' },
    });
    expect(rowsToRulesDoc(rulesToRows(result.rules).values)).toEqual({ ...result, doc: expect.anything() });
    expect(rulesYaml(result.rules)).toContain('messages:\n  de:\n    secondSubject: Noch da, bei {store}\n');
  });

  it('names the cell of each mistake in the discount and in your words', () => {
    // Prepare
    const values = template();
    setCell(values, `B${ROW('Discount gives')}`, '10% off');
    setCell(values, `B${ROW('Discount expires')}`, '31.12.2026');
    values.push(['de', 'x'.repeat(121)], ['klingon', 'Qapla'], ['DE', 'again']);

    // Act
    const errors = errorsOf(values);

    // Assess
    expect(errors).toEqual([
      `B${ROW('Discount code')}: a discount needs its code, such as "THANKS10"`,
      `B${ROW('Discount expires')}: the discount expiry must be a date like "2026-12-31" (YYYY-MM-DD)`,
      `B${WORDS_ROW + 1}: the first subject must be at most 120 characters`,
      `A${WORDS_ROW + 2}: "klingon" is not a language reminders are written in (en, de, fr, es, it, nl, pt)`,
      `A${WORDS_ROW + 3}: your words for "de" are given twice (also in A${WORDS_ROW + 1})`,
    ]);
  });
});
