/**
 * Cart Recovery › Set up: asks for the engine's addresses, the owner secret and the engine's Google
 * address; adds the tabs (Rules with example rules, Carts, Import, Actions); creates the summary
 * Doc in Drive; shares the spreadsheet and the Doc with the engine; and says what is left to do.
 * Safe to run again: stored answers are kept when left blank, existing tabs and the Doc are kept.
 * Each answer is saved as soon as it is given (the prompts count against Apps Script's 6-minute
 * limit), and a document lock keeps a second Set up (another window) from making a second Doc.
 */
import { type ActionRow, appendActions } from './actions-log.js';
import { documentUrl, ensureSummaryDocument, type ShareReport, shareWithEngine } from './drive-files.js';
import type { AppsScriptServices } from './services.js';
import {
  checkSetting,
  PROPERTY,
  SETTING_LABEL,
  type SettingKey,
  type Settings,
  saveSettings,
} from './settings.js';
import { layOutTabs, type SheetLayout, type TabReport } from './sheet-layout.js';

const PROMPTS: Record<SettingKey, string> = {
  ownerActionUrl: 'The owner action URL (your developer has it: "OwnerActionUrl"), https://…',
  ownerSecret: 'The owner secret (your developer has it: "ownerSecret"; at least 16 characters).',
  serviceAccountEmail:
    "The engine's Google address (your developer has it: the service account, …@….iam.gserviceaccount.com). This spreadsheet and the summary document are shared with it.",
  syncUrl:
    'The rules sync URL (your developer has it: "RulesSyncUrl"), https://… It exists once this spreadsheet is connected: leave it blank until then.',
};

/** How long a second Set up waits for the first before saying so. */
const LOCK_WAIT_MS = 5_000;

/** Prompt order: what the menu needs first, the sync URL last (it comes after a second deploy). */
const ORDER: readonly SettingKey[] = ['ownerActionUrl', 'ownerSecret', 'serviceAccountEmail', 'syncUrl'];

export type SetUpResult =
  | { kind: 'cancelled' }
  | { kind: 'busy' }
  | { kind: 'refused'; message: string }
  | {
      kind: 'done';
      tabs: TabReport[];
      summaryDocumentId: string | undefined;
      shared: ShareReport[];
      /** Settings still blank, and Drive steps that failed: what the owner must still do. */
      toDo: string[];
    };

export function setUp(services: AppsScriptServices, layout: SheetLayout): SetUpResult {
  const ui = services.spreadsheetApp.getUi();
  const lock = services.lock;
  if (lock && !lock.tryLock(LOCK_WAIT_MS)) {
    ui.alert(
      'Set up is already running',
      'Set up is running for this spreadsheet in another window or by someone else. Let it finish, then run it again if needed.',
      ui.ButtonSet.OK,
    );
    return { kind: 'busy' };
  }
  try {
    return setUpLocked(services, layout);
  } finally {
    lock?.releaseLock();
  }
}

function setUpLocked(services: AppsScriptServices, layout: SheetLayout): SetUpResult {
  const ui = services.spreadsheetApp.getUi();
  const spreadsheet = services.spreadsheetApp.getActiveSpreadsheet();

  const answers: Partial<Settings> = {};
  const missing: SettingKey[] = [];
  for (const [i, key] of ORDER.entries()) {
    const current = services.properties.getProperty(PROPERTY[key]) ?? '';
    const response = ui.prompt(
      `Cart Recovery set up (${i + 1} of ${ORDER.length})`,
      current ? `${PROMPTS[key]}\nLeave blank to keep the current one.` : PROMPTS[key],
      ui.ButtonSet.OK_CANCEL,
    );
    if (response.getSelectedButton() !== ui.Button.OK) return { kind: 'cancelled' };
    const typed = response.getResponseText().trim();
    if (!typed) {
      if (!current) missing.push(key);
      continue;
    }
    const problem = checkSetting(key, typed);
    if (problem) {
      const kept = Object.keys(answers).length ? ' The answers before it are saved;' : '';
      ui.alert('Set up stopped', `${problem}${kept} run Set up again.`, ui.ButtonSet.OK);
      return { kind: 'refused', message: problem };
    }
    answers[key] = typed;
    saveSettings(services.properties, { [key]: typed });
  }

  const tabs = layOutTabs(services.spreadsheetApp, spreadsheet, layout);
  const toDo = missing.map((key) => `Run Set up again with ${SETTING_TEXT[key]}.`);
  const document = ensureSummaryDocument(services.drive, services.properties, spreadsheet);
  if (!document.ok) toDo.push(document.problem);
  const documentId = document.ok ? document.id : undefined;
  const email = services.properties.getProperty(PROPERTY.serviceAccountEmail);
  const shared = email ? shareWithEngine(services.drive, spreadsheet, documentId, email) : [];
  for (const report of shared) if (report.problem) toDo.push(report.problem);

  const at = services.now().toISOString();
  const rows: ActionRow[] = [
    [at, 'set_up', 'settings', 'saved', savedText(answers)],
    ...tabs.map((t): ActionRow => [at, 'set_up', `${t.tab} tab`, t.outcome, '']),
  ];
  if (document.ok) {
    rows.push([at, 'set_up', 'summary document', document.outcome, documentUrl(document.id)]);
  }
  for (const report of shared) {
    rows.push([
      at,
      'set_up',
      `share ${report.file}`,
      report.shared ? 'done' : 'failed',
      report.problem ?? '',
    ]);
  }
  appendActions(spreadsheet, rows);

  const lines = [
    `Tabs: ${tabs.map((t) => `${t.tab} ${t.outcome}`).join(', ')}.`,
    document.ok
      ? `Summary document: ${document.outcome === 'created' ? `created ${document.where}` : 'kept'} (${documentUrl(document.id)}).`
      : 'Summary document: not created (see below).',
    ...(shared.length
      ? [
          `Shared with the engine: ${listOr(
            shared.filter((s) => s.shared).map((s) => s.file),
            'nothing yet',
          )}.`,
        ]
      : []),
    '',
    'For your developer (cdk.json):',
    `  spreadsheetId: ${spreadsheet.getId()}`,
    `  summaryDocumentId: ${documentId ?? '(none yet)'}`,
  ];
  if (toDo.length) lines.push('', 'Still to do:', ...toDo.map((t) => `• ${t}`));
  ui.alert(
    toDo.length ? 'Cart Recovery is partly set up' : 'Cart Recovery is set up',
    lines.join('\n'),
    ui.ButtonSet.OK,
  );
  return { kind: 'done', tabs, summaryDocumentId: documentId, shared, toDo };
}

const SETTING_TEXT: Record<SettingKey, string> = {
  ownerActionUrl: 'the owner action URL (needed to suppress, write off and unsubscribe)',
  ownerSecret: 'the owner secret (needed by every menu action)',
  serviceAccountEmail: "the engine's Google address (needed to share this spreadsheet and the summary)",
  syncUrl: 'the rules sync URL once your developer has it (needed by "Sync rules now")',
};

function savedText(answers: Partial<Settings>): string {
  // Names only, never a value: the Actions tab is visible to everyone the sheet is shared with.
  const keys = Object.keys(answers) as SettingKey[];
  return keys.length ? `stored ${keys.map((k) => SETTING_LABEL[k]).join(', ')}` : 'nothing new';
}

function listOr(items: string[], empty: string): string {
  return items.length ? items.join(' and ') : empty;
}
