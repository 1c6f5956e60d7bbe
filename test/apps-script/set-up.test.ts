import type { S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '#engine/adapters/memory/manual-clock.js';
import type { Rules } from '#engine/domain/rules.js';
import { RecordingLogger } from '#test/fakes/recording-logger.js';
import { exampleRules, sheetLayout } from '../../apps-script/layout.js';
import { ACTIONS_HEADER } from '../../apps-script/src/actions-log.js';
import { GOOGLE_DOC, summaryDocumentName } from '../../apps-script/src/drive-files.js';
import { setUp } from '../../apps-script/src/set-up.js';
import { PROPERTY } from '../../apps-script/src/settings.js';
import type { SheetLayout } from '../../apps-script/src/sheet-layout.js';
import { STATUS_PLACEHOLDER } from '../../apps-script/src/sheet-layout.js';
import { EXPORT_HEADERS } from '../../sheets-sync/export-rows.js';
import { TAB_METADATA_KEY } from '../../sheets-sync/google-sheets.js';
import { IMPORT_HEADERS, readImportTab } from '../../sheets-sync/import-rows.js';
import { rowsToRulesDoc } from '../../sheets-sync/rules-sheet.js';
import { syncRules } from '../../sheets-sync/sync-rules.js';
import { a1Cell, a1Range, fakeServices } from './fakes.js';

const SECRET = 'owner_current_0123456789abcdef';
const OWNER_URL = 'https://owner-abc.lambda-url.us-east-1.on.aws/';
const SYNC_URL = 'https://sync-def.lambda-url.us-east-1.on.aws/';
const ENGINE = 'cart-recovery@acme-shop.iam.gserviceaccount.com';
const NOW = new Date('2026-06-10T16:00:00Z');

let rules: Rules;
let layout: SheetLayout;

beforeAll(async () => {
  rules = await exampleRules();
  layout = sheetLayout(rules);
});

/** A fresh spreadsheet (one default tab) with the four answers queued. */
function freshSheet(answers = [OWNER_URL, SECRET, ENGINE, SYNC_URL]) {
  const fakes = fakeServices({ Sheet1: [] }, NOW);
  fakes.ui.promptAnswers.push(...answers.map((text) => ({ text })));
  return fakes;
}

describe('setUp on a fresh spreadsheet', () => {
  it('stores the answers, adds the four tabs, creates the summary Doc and shares both', () => {
    // Prepare
    const { services, ui, properties, spreadsheet, drive } = freshSheet([
      ` ${OWNER_URL} `,
      SECRET,
      ENGINE,
      SYNC_URL,
    ]);

    // Act
    const result = setUp(services, layout);

    // Assess
    if (result.kind !== 'done') throw new Error(`set up did not run: ${JSON.stringify(result)}`);
    expect(result.toDo).toEqual([]);
    expect(result.tabs).toEqual([
      { tab: 'Rules', outcome: 'created' },
      { tab: 'Carts', outcome: 'created' },
      { tab: 'Import', outcome: 'created' },
      { tab: 'Actions', outcome: 'created' },
    ]);
    const documentId = result.summaryDocumentId ?? '';
    expect(Object.fromEntries(properties.values)).toEqual({
      [PROPERTY.ownerActionUrl]: OWNER_URL,
      [PROPERTY.ownerSecret]: SECRET,
      [PROPERTY.serviceAccountEmail]: ENGINE,
      [PROPERTY.syncUrl]: SYNC_URL,
      [PROPERTY.summaryDocumentId]: documentId,
    });
    expect(drive.files.get(documentId)).toMatchObject({
      name: summaryDocumentName(spreadsheet.name),
      mimeType: GOOGLE_DOC,
      parents: ['folder-shop'],
    });
    expect(spreadsheet.editors).toEqual([ENGINE]);
    expect(drive.permissions).toEqual([
      { fileId: documentId, emailAddress: ENGINE, role: 'writer', notify: false },
    ]);
    expect(spreadsheet.active.name).toBe('Sheet1');
    const done = ui.dialogs.at(-1);
    expect(done?.title).toBe('Cart Recovery is set up');
    expect(done?.text).toContain(`spreadsheetId: ${spreadsheet.id}`);
    expect(done?.text).toContain(`summaryDocumentId: ${documentId}`);
    expect(done?.text).toContain('created next to this spreadsheet');
  });

  it('writes a Rules tab the sync refuses, cell by cell, until the owner fills in the store', () => {
    // Prepare
    const { services, spreadsheet } = freshSheet();

    // Act
    setUp(services, layout);

    // Assess
    const tab = spreadsheet.tab('Rules');
    const read = rowsToRulesDoc(tab.cells);
    expect(read.ok).toBe(false);
    expect(!read.ok && read.errors.map((e) => e.cell)).toEqual(['B14', 'B15', 'B16', 'B19']);
    const text = JSON.stringify(tab.cells);
    for (const example of [rules.store.name, rules.store.fromEmail, rules.store.address]) {
      expect(text).not.toContain(example);
    }
    expect(tab.cells[0]?.[5]).toBe(STATUS_PLACEHOLDER);
    expect(tab.frozenRows).toBe(1);
    expect(tab.metadata.get(TAB_METADATA_KEY)).toBe('rules');
  });

  it('cannot publish example values: a sync of the fresh tab writes nothing to S3', async () => {
    // Prepare
    const { services, spreadsheet } = freshSheet();
    setUp(services, layout);
    const sent: string[] = [];
    const s3 = {
      send: async (command: object) => {
        sent.push(command.constructor.name);
        throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
      },
    } as unknown as S3Client;
    let status = '';
    const sheet = {
      readRules: async () => ({ rows: spreadsheet.tab('Rules').cells, status }),
      readStatus: async () => status,
      writeStatus: async (text: string) => {
        status = text;
      },
    };

    // Act
    const outcome = await syncRules({
      sheet,
      s3,
      bucket: 'rules',
      clock: new ManualClock(NOW),
      log: new RecordingLogger(),
    });

    // Assess
    expect(outcome).toMatchObject({ status: 'rejected', keptVersion: undefined });
    expect(sent.filter((name) => name === 'PutObjectCommand')).toEqual([]);
    expect(status).toContain('B14: the store name is required');
    // Filled in by the owner, the same tab gives the example's other rules.
    const filled = spreadsheet.tab('Rules').cells.map((row) => [...row]);
    const set = (label: string, value: string) => {
      const row = filled.find((r) => r[0] === label);
      if (row) row[1] = value;
    };
    set('Store name', rules.store.name);
    set('Sender email', rules.store.fromEmail);
    set('Postal address', rules.store.address);
    set('Time zone', rules.store.timezone);
    const read = rowsToRulesDoc(filled);
    expect(read.ok && read.rules).toEqual(rules);
  });

  it('marks the tabs the engine reads, keeps a renamed Rules tab, and makes Import ids text', () => {
    // Prepare
    const { services, spreadsheet, ui } = freshSheet();
    setUp(services, layout);
    spreadsheet.tab('Rules').cells[1] = ['edited by the owner'];
    (spreadsheet.tab('Rules') as unknown as { name: string }).name = 'My rules';
    ui.promptAnswers.push(...['', '', '', ''].map((text) => ({ text })));

    // Act
    setUp(services, layout);

    // Assess
    expect(spreadsheet.sheets.map((s) => s.name)).toEqual([
      'Sheet1',
      'My rules',
      'Carts',
      'Import',
      'Actions',
    ]);
    expect(spreadsheet.tab('My rules').cells[1]).toEqual(['edited by the owner']);
    expect(spreadsheet.tab('Carts').metadata.get(TAB_METADATA_KEY)).toBe('carts');
    expect(spreadsheet.tab('Import').metadata.get(TAB_METADATA_KEY)).toBe('import');
    expect(spreadsheet.tab('Import').formats.get('A1000')).toBe('@');
  });

  it('says so and changes nothing while another Set up holds the document lock', () => {
    // Prepare
    const { services, spreadsheet, lock, properties, ui } = freshSheet();
    lock.heldElsewhere = true;

    // Act
    const result = setUp(services, layout);

    // Assess
    expect(result).toEqual({ kind: 'busy' });
    expect(ui.dialogs.at(-1)?.title).toBe('Set up is already running');
    expect(properties.values.size).toBe(0);
    expect(spreadsheet.sheets).toHaveLength(1);
  });

  it('dresses the Rules tab: notes, strict validation with help, text times, bold headers', () => {
    // Prepare
    const { services, spreadsheet } = freshSheet();

    // Act
    setUp(services, layout);

    // Assess
    const tab = spreadsheet.tab('Rules');
    expect(tab.notes.get('C1')).toBe(layout.rules.notes.find((n) => n.cell === 'C1')?.note);
    expect(tab.notes.get('F1')).toContain('rules version');
    const firstWait = tab.validations.get('C2');
    expect(firstWait).toMatchObject({ criteria: 'NUMBER_BETWEEN', allowInvalid: false });
    expect(firstWait?.helpText).toMatch(/First reminder after/);
    // Every validation of the layout landed on every cell of its range, strict, with its help.
    expect(layout.rules.validations.length).toBeGreaterThan(5);
    for (const spec of layout.rules.validations) {
      const [row, column, rows, columns] = a1Range(spec.range);
      for (let r = row; r < row + rows; r++) {
        for (let c = column; c < column + columns; c++) {
          expect(tab.validations.get(a1Cell(r, c)), `${spec.range} at ${a1Cell(r, c)}`).toMatchObject({
            allowInvalid: false,
            helpText: spec.help,
          });
        }
      }
    }
    const quietStart = tab.cells.findIndex((row) => row[0] === 'Quiet hours start') + 1;
    expect(tab.formats.get(`B${quietStart}`)).toBe('@');
    expect(tab.cells[quietStart - 1]?.[1]).toBe('21:00');
    expect(tab.bold.has('A1')).toBe(true);
    expect(tab.bold.has('D1')).toBe(true);
  });

  it('adds the Carts, Import and Actions headers the engine and the menu use, with notes', () => {
    // Prepare
    const { services, spreadsheet } = freshSheet();

    // Act
    setUp(services, layout);

    // Assess
    expect(spreadsheet.tab('Carts').cells[0]).toEqual([...EXPORT_HEADERS]);
    const importTab = spreadsheet.tab('Import');
    expect(importTab.cells[0]).toEqual([...IMPORT_HEADERS]);
    expect(importTab.notes.get('E1')).toMatch(/Mug x 2 @ 12.50/);
    expect(readImportTab(importTab.cells as string[][], { zone: 'UTC', currency: 'USD' })).toEqual({
      ok: true,
      outcomeColumn: IMPORT_HEADERS.indexOf('Outcome'),
      rows: [],
    });
    const actions = spreadsheet.tab('Actions').cells;
    expect(actions[0]).toEqual([...ACTIONS_HEADER]);
    expect(actions.slice(1).map((row) => [row[2], row[3]])).toEqual([
      ['settings', 'saved'],
      ['Rules tab', 'created'],
      ['Carts tab', 'created'],
      ['Import tab', 'created'],
      ['Actions tab', 'created'],
      ['summary document', 'created'],
      ['share this spreadsheet', 'done'],
      ['share the summary document', 'done'],
    ]);
    expect(actions[1]?.[4]).toBe(
      "stored the owner action URL, the owner secret, the engine's Google address (service account), the rules sync URL",
    );
    expect(JSON.stringify(actions)).not.toContain(SECRET);
  });
});

describe('setUp run again', () => {
  it('keeps the tabs, the Doc and every answer left blank', () => {
    // Prepare
    const { services, ui, properties, spreadsheet, drive } = freshSheet();
    const first = setUp(services, layout);
    spreadsheet.tab('Rules').cells[1] = ['small', 0, 6, 30];
    ui.promptAnswers.push({ text: '' }, { text: '' }, { text: '' }, { text: 'https://new-sync.example/' });

    // Act
    const second = setUp(services, layout);

    // Assess
    if (first.kind !== 'done' || second.kind !== 'done') throw new Error('set up did not run');
    expect(second.tabs.map((t) => t.outcome)).toEqual(['kept', 'kept', 'kept', 'kept']);
    expect(spreadsheet.tab('Rules').cells[1]).toEqual(['small', 0, 6, 30]);
    expect(second.summaryDocumentId).toBe(first.summaryDocumentId);
    expect(drive.files.size).toBe(2);
    expect(properties.getProperty(PROPERTY.ownerSecret)).toBe(SECRET);
    expect(properties.getProperty(PROPERTY.syncUrl)).toBe('https://new-sync.example/');
    expect(ui.dialogs.filter((d) => d.kind === 'prompt').at(-1)?.text).toContain(
      'Leave blank to keep the current one.',
    );
  });

  it('makes a new Doc when the one it made was put in the bin', () => {
    // Prepare
    const { services, ui, drive } = freshSheet();
    const first = setUp(services, layout);
    if (first.kind !== 'done' || !first.summaryDocumentId) throw new Error('set up did not run');
    drive.files.set(first.summaryDocumentId, { ...drive.files.get(first.summaryDocumentId), trashed: true });
    ui.promptAnswers.push({ text: '' }, { text: '' }, { text: '' }, { text: '' });

    // Act
    const second = setUp(services, layout);

    // Assess
    if (second.kind !== 'done') throw new Error('set up did not run');
    expect(second.summaryDocumentId).not.toBe(first.summaryDocumentId);
  });

  it('adds the header row to an empty tab of the same name', () => {
    // Prepare
    const fakes = fakeServices({ Carts: [] }, NOW);
    fakes.ui.promptAnswers.push(...[OWNER_URL, SECRET, ENGINE, ''].map((text) => ({ text })));

    // Act
    const result = setUp(fakes.services, layout);

    // Assess
    if (result.kind !== 'done') throw new Error('set up did not run');
    expect(result.tabs.find((t) => t.tab === 'Carts')?.outcome).toBe('headers added');
    expect(fakes.spreadsheet.tab('Carts').cells[0]).toEqual([...EXPORT_HEADERS]);
  });
});

describe('setUp with something missing or refused', () => {
  it('does the rest and lists a blank sync URL as still to do', () => {
    // Prepare
    const { services, ui } = freshSheet([OWNER_URL, SECRET, ENGINE, '']);

    // Act
    const result = setUp(services, layout);

    // Assess
    if (result.kind !== 'done') throw new Error('set up did not run');
    expect(result.toDo).toEqual([
      'Run Set up again with the rules sync URL once your developer has it (needed by "Sync rules now").',
    ]);
    expect(ui.dialogs.at(-1)?.title).toBe('Cart Recovery is partly set up');
  });

  it('says how to share by hand when Drive refuses, and shares nothing without the address', () => {
    // Prepare
    const refused = freshSheet();
    refused.spreadsheet.addEditorError = new Error('Access denied');
    refused.drive.fail.add('permissions.create');
    const noAddress = freshSheet([OWNER_URL, SECRET, '', '']);

    // Act
    const withRefusal = setUp(refused.services, layout);
    const withoutAddress = setUp(noAddress.services, layout);

    // Assess
    if (withRefusal.kind !== 'done' || withoutAddress.kind !== 'done') throw new Error('set up did not run');
    expect(withRefusal.shared.map((s) => s.shared)).toEqual([false, false]);
    expect(withRefusal.toDo[0]).toBe(
      `Share this spreadsheet with ${ENGINE} by hand: Share, paste the address, Editor, untick "Notify people".`,
    );
    expect(withRefusal.toDo[1]).toContain('Drive said: The user does not have sufficient permissions');
    expect(withoutAddress.shared).toEqual([]);
    expect(withoutAddress.toDo[0]).toContain("the engine's Google address");
    expect(noAddress.spreadsheet.editors).toEqual([]);
  });

  it('puts the Doc in My Drive when the folder is out of reach, and reports a Drive without the service', () => {
    // Prepare
    const hidden = freshSheet();
    hidden.drive.fail.add('files.create.parents');
    const noDrive = freshSheet();
    noDrive.services.drive = undefined;

    // Act
    const inMyDrive = setUp(hidden.services, layout);
    const withoutDrive = setUp(noDrive.services, layout);

    // Assess
    if (inMyDrive.kind !== 'done' || withoutDrive.kind !== 'done') throw new Error('set up did not run');
    expect(hidden.drive.files.get(inMyDrive.summaryDocumentId ?? '')?.parents).toBeUndefined();
    expect(hidden.ui.dialogs.at(-1)?.text).toContain('created in My Drive');
    expect(withoutDrive.summaryDocumentId).toBeUndefined();
    expect(withoutDrive.toDo[0]).toMatch(/Drive service is not enabled/);
    // The spreadsheet itself is still shared through the Spreadsheet service.
    expect(noDrive.spreadsheet.editors).toEqual([ENGINE]);
  });

  it.each([
    [
      'an http address',
      [{ text: 'http://owner.example/' }],
      'The owner action URL must be an https:// address.',
    ],
    [
      'a short secret',
      [{ text: OWNER_URL }, { text: 'short' }],
      'The owner secret must be at least 16 characters.',
    ],
    [
      "a person's address as the engine's",
      [{ text: OWNER_URL }, { text: SECRET }, { text: 'owner@gmail.com' }],
      "The engine's Google address must be a service account, like cart-recovery@my-project.iam.gserviceaccount.com.",
    ],
  ])('stops at %s, keeping only the answers given before it', (_, answers, problem) => {
    // Prepare
    const { services, ui, properties, spreadsheet } = fakeServices({ Sheet1: [] }, NOW);
    ui.promptAnswers.push(...answers);

    // Act
    const result = setUp(services, layout);

    // Assess
    expect(result).toEqual({ kind: 'refused', message: problem });
    expect(properties.values.size).toBe(answers.length - 1);
    expect(spreadsheet.sheets.map((s) => s.name)).toEqual(['Sheet1']);
    expect(ui.dialogs.at(-1)?.text).toContain(problem);
  });

  it('keeps the answers given before a cancel, and adds nothing', () => {
    // Prepare
    const { services, ui, properties, spreadsheet } = fakeServices({ Sheet1: [] }, NOW);
    ui.promptAnswers.push({ text: OWNER_URL }, { text: SECRET, button: 'CANCEL' });

    // Act
    const result = setUp(services, layout);

    // Assess
    expect(result).toEqual({ kind: 'cancelled' });
    expect(properties.values.get(PROPERTY.ownerActionUrl)).toBe(OWNER_URL);
    expect(properties.values.size).toBe(1);
    expect(spreadsheet.sheets).toHaveLength(1);
  });
});
