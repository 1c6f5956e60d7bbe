import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppsScriptBuild, buildAppsScript } from '../../apps-script/build.js';
import { exampleRules } from '../../apps-script/layout.js';
import { HELP_TEXT } from '../../apps-script/src/actions.js';
import { MENU_ITEMS } from '../../apps-script/src/menu.js';
import { rowsToRulesDoc } from '../../sheets-sync/rules-sheet.js';
import {
  FakeLock,
  FakeProperties,
  FakeSpreadsheet,
  FakeUi,
  FakeUrlFetch,
  FakeUtilities,
  fakeServices,
} from './fakes.js';

let outDir: string;
let built: AppsScriptBuild;
let code: string;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'apps-script-'));
  built = await buildAppsScript({ outDir });
  code = await readFile(built.file, 'utf8');
});

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

/** Runs Code.js as Apps Script does: one classic script in a global scope holding the services. */
function load() {
  const ui = new FakeUi();
  const spreadsheet = new FakeSpreadsheet({ Carts: [['Cart ID', 'Email']] });
  const properties = new FakeProperties();
  const context: Record<string, unknown> = {
    SpreadsheetApp: { getUi: () => ui, getActiveSpreadsheet: () => spreadsheet },
    UrlFetchApp: new FakeUrlFetch(),
    Utilities: new FakeUtilities(),
    PropertiesService: { getScriptProperties: () => properties },
    LockService: { getDocumentLock: () => new FakeLock() },
  };
  runInNewContext(code, context, { filename: 'Code.js' });
  return { context, ui };
}

describe('the Apps Script bundle', () => {
  it('is one classic script: no import or export left', () => {
    expect(code).not.toMatch(/^\s*(export|import)\b/m);
    expect(code).not.toMatch(/\brequire\(|\bprocess\.|import\.meta/);
  });

  it('declares every menu function, and onOpen, as a top-level function', () => {
    const names = ['onOpen', ...MENU_ITEMS.flatMap((item) => (item ? [item.functionName] : []))];
    expect([...built.globals].sort()).toEqual([...names].sort());
    for (const name of names) expect(code).toMatch(new RegExp(`^function ${name}\\(`, 'm'));
  });

  it('builds the menu from onOpen, and each menu item names a global function', () => {
    // Prepare
    const { context, ui } = load();

    // Act
    (context.onOpen as () => void)();

    // Assess
    expect(ui.menus).toHaveLength(1);
    const items = ui.menus[0]?.items.filter((item) => item !== 'separator') ?? [];
    expect(items.map((item) => item.caption)).toEqual([
      'Suppress selected cart(s)',
      'Unsubscribe selected email(s)',
      'Write off selected cart(s)',
      'Send me a test reminder',
      'Sync rules now',
      'Set up',
      'Help',
    ]);
    for (const item of items) expect(typeof context[item.functionName]).toBe('function');
  });

  it('runs a menu item through the globals', () => {
    // Prepare
    const { context, ui } = load();

    // Act
    (context.showHelp as () => void)();
    (context.suppressSelectedCarts as () => void)();

    // Assess
    expect(ui.dialogs.map((d) => d.title)).toEqual(['Cart Recovery help', 'Cart Recovery is not set up']);
    expect(ui.dialogs[0]?.text).toBe(HELP_TEXT);
  });

  it('ships the manifest with exactly the scopes the menu needs', async () => {
    const manifest = JSON.parse(await readFile(join(outDir, 'appsscript.json'), 'utf8'));
    expect(manifest).toMatchObject({ runtimeVersion: 'V8' });
    // UrlFetchApp may reach the engine's Function URLs (cdk.json's Region), nothing else.
    expect(manifest.urlFetchWhitelist).toEqual(['https://*.lambda-url.us-east-1.on.aws/']);
    expect(manifest.oauthScopes).toEqual([
      'https://www.googleapis.com/auth/spreadsheets.currentonly',
      // Only the files the script creates (the summary Doc) or is handed: not the owner's whole Drive.
      'https://www.googleapis.com/auth/drive.file',
      'https://www.googleapis.com/auth/script.external_request',
      'https://www.googleapis.com/auth/script.container.ui',
    ]);
    // The global `Drive` that Set up uses exists only when the advanced service is enabled.
    expect(manifest.dependencies.enabledAdvancedServices).toEqual([
      { userSymbol: 'Drive', serviceId: 'drive', version: 'v3' },
    ]);
  });

  it('carries the tabs Set up adds: the example rules, the store fields left for the owner', async () => {
    // Prepare
    const fakes = fakeServices({ Sheet1: [] });
    fakes.ui.promptAnswers.push(
      ...['https://owner.example/', 'owner_secret_0123456789', 'cr@p.iam.gserviceaccount.com', ''].map(
        (text) => ({ text }),
      ),
    );
    const context: Record<string, unknown> = {
      SpreadsheetApp: fakes.services.spreadsheetApp,
      UrlFetchApp: fakes.urlFetch,
      Utilities: fakes.utilities,
      PropertiesService: { getScriptProperties: () => fakes.properties },
      Drive: fakes.drive,
      LockService: { getDocumentLock: () => fakes.lock },
    };
    runInNewContext(code, context, { filename: 'Code.js' });

    // Act
    (context.setUp as () => void)();

    // Assess
    expect(fakes.spreadsheet.sheets.map((s) => s.name)).toEqual([
      'Sheet1',
      'Rules',
      'Carts',
      'Import',
      'Actions',
    ]);
    const read = rowsToRulesDoc(fakes.spreadsheet.tab('Rules').cells);
    expect(read.ok).toBe(false);
    expect(!read.ok && read.errors.map((e) => e.cell)).toEqual(['B16', 'B17', 'B18', 'B21']);
    expect(await exampleRules()).toBeDefined();
    expect(fakes.drive.permissions).toHaveLength(1);
  });
});
