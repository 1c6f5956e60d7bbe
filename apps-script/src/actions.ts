/**
 * What each menu item does. Every function takes the Apps Script services as an argument, shows
 * the owner the outcome (or a clear error) and records it in the Actions tab.
 */
import { type ActionRow, appendActions } from './actions-log.js';
import { describeProblem, type EndpointAnswer, problemsOf, send, signedRequest } from './endpoint-client.js';
import { CART_ID_HEADER, EMAIL_HEADER, EXPORT_TAB, selectedColumnValues } from './selection.js';
import type { AppsScriptServices, Ui } from './services.js';
import { readSettings, type SettingKey, type Settings } from './settings.js';

export type CartAction = 'suppress' | 'unsubscribe' | 'write_off';

/** The reason and actor the engine audits for actions from the menu. */
export const MENU_REASON = 'from the Cart Recovery menu in the sheet';
export const MENU_ACTOR = 'sheet menu';

interface CartActionText {
  header: string;
  field: 'cartId' | 'email';
  noun: [one: string, many: string];
  verb: string;
  consequence: string;
  done: string;
  unchanged: string;
}

const CART_ACTIONS: Record<CartAction, CartActionText> = {
  suppress: {
    header: CART_ID_HEADER,
    field: 'cartId',
    noun: ['cart', 'carts'],
    verb: 'Suppress',
    consequence: 'No more reminders will be sent about them. The shoppers can still buy.',
    done: 'suppressed',
    unchanged: 'no change: the cart was already closed',
  },
  write_off: {
    header: CART_ID_HEADER,
    field: 'cartId',
    noun: ['cart', 'carts'],
    verb: 'Write off',
    consequence: 'They are closed as lost: no more reminders, and they leave the open carts.',
    done: 'written off',
    unchanged: 'no change: the cart was already closed',
  },
  unsubscribe: {
    header: EMAIL_HEADER,
    field: 'email',
    noun: ['email', 'emails'],
    verb: 'Unsubscribe',
    consequence: 'These shoppers will get no more reminders, for any cart, ever.',
    done: 'unsubscribed',
    unchanged: 'no change: already unsubscribed',
  },
};

export interface TargetResult {
  target: string;
  result: 'done' | 'unchanged' | 'failed' | 'not sent';
  message: string;
}

export type RunResult =
  | { kind: 'cancelled' }
  | { kind: 'refused'; message: string }
  | { kind: 'ran'; results: TargetResult[] };

/**
 * Suppresses, writes off or unsubscribes what the owner selected in the export tab, after a
 * confirmation, one signed request per target.
 */
export function runCartAction(services: AppsScriptServices, action: CartAction): RunResult {
  const ui = services.spreadsheetApp.getUi();
  const spreadsheet = services.spreadsheetApp.getActiveSpreadsheet();
  const text = CART_ACTIONS[action];
  const settings = settingsOrExplain(services, ui, ['ownerActionUrl', 'ownerSecret']);
  if (!settings) return { kind: 'refused', message: 'not set up' };
  const selection = selectedColumnValues(spreadsheet, EXPORT_TAB, text.header);
  if (!selection.ok) {
    ui.alert(`${text.verb}: nothing selected`, selection.problem, ui.ButtonSet.OK);
    return { kind: 'refused', message: selection.problem };
  }
  const targets = selection.values;
  const noun = targets.length === 1 ? text.noun[0] : text.noun[1];
  const confirmed = ui.alert(
    `${text.verb} ${targets.length} ${noun}?`,
    `${bullets(targets)}\n\n${text.consequence}`,
    ui.ButtonSet.YES_NO,
  );
  if (confirmed !== ui.Button.YES) return { kind: 'cancelled' };

  const results: TargetResult[] = [];
  let stop: string | undefined;
  for (const target of targets) {
    if (stop) {
      results.push({ target, result: 'not sent', message: stop });
      continue;
    }
    const request = signedRequest(
      services.utilities,
      { url: settings.ownerActionUrl, secret: settings.ownerSecret },
      { action, [text.field]: target, reason: MENU_REASON, actor: MENU_ACTOR },
      services.now(),
    );
    const answer = send(services.urlFetch, request);
    results.push(targetResult(target, answer, text));
    // A wrong secret or an unreachable endpoint fails every request alike: do not repeat it.
    if (!answer.ok && (answer.status === 401 || answer.status === 0)) stop = 'not sent after the error above';
  }

  const at = services.now().toISOString();
  appendActions(
    spreadsheet,
    results.map((r): ActionRow => [at, action, r.target, r.result, r.message]),
  );
  const failed = results.filter((r) => r.result !== 'done' && r.result !== 'unchanged').length;
  ui.alert(
    failed ? `${text.verb}: ${failed} of ${results.length} did not go through` : `${text.verb}: done`,
    results.map((r) => `${r.target}: ${r.message}`).join('\n'),
    ui.ButtonSet.OK,
  );
  return { kind: 'ran', results };
}

/** What one answer of the owner endpoint means for its target. */
export function targetResult(
  target: string,
  answer: EndpointAnswer,
  text: Pick<CartActionText, 'done' | 'unchanged'>,
): TargetResult {
  if (answer.ok) {
    return answer.body.status === 'done'
      ? { target, result: 'done', message: text.done }
      : { target, result: 'unchanged', message: text.unchanged };
  }
  const details = answer.errors.map(describeProblem);
  return { target, result: 'failed', message: [answer.message, ...details].join(' ') };
}

export type SyncResult =
  | { kind: 'refused'; message: string }
  | { kind: 'synced'; status: string; version: string }
  | { kind: 'rejected'; errors: string[] }
  | { kind: 'failed'; message: string };

/** Asks the engine to read the Rules tab now, and shows the version in force or the tab's errors. */
export function syncRulesNow(services: AppsScriptServices): SyncResult {
  const ui = services.spreadsheetApp.getUi();
  const settings = settingsOrExplain(services, ui, ['syncUrl', 'ownerSecret']);
  if (!settings) return { kind: 'refused', message: 'not set up' };
  const request = signedRequest(
    services.utilities,
    { url: settings.syncUrl, secret: settings.ownerSecret },
    { action: 'sync_rules' },
    services.now(),
  );
  const answer = send(services.urlFetch, request);
  let result: SyncResult;
  if (answer.ok) {
    const version = String(answer.body.version ?? 'unknown');
    const since = typeof answer.body.since === 'string' ? readableTime(answer.body.since) : 'now';
    const status = String(answer.body.status ?? 'updated');
    result = { kind: 'synced', status, version };
    // In force, but probably not meant: tiers whose names and totals disagree in order.
    const warnings = problemsOf(answer.body.warnings).map((w) => `Warning: ${describeProblem(w)}`);
    ui.alert(
      status === 'updated' ? 'New rules in force' : 'Rules unchanged',
      [`Rules version ${version} in force since ${since}.`, ...warnings].join('\n\n'),
      ui.ButtonSet.OK,
    );
  } else if (answer.status === 422) {
    const errors = answer.errors.map(describeProblem);
    result = { kind: 'rejected', errors };
    ui.alert('Rules NOT updated', `${answer.message}\n\n${errors.join('\n')}`, ui.ButtonSet.OK);
  } else {
    result = { kind: 'failed', message: answer.message };
    ui.alert('Rules not synced', answer.message, ui.ButtonSet.OK);
  }
  const row: ActionRow = [
    services.now().toISOString(),
    'sync_rules',
    'Rules tab',
    result.kind,
    result.kind === 'synced'
      ? `version ${result.version} (${result.status})`
      : result.kind === 'rejected'
        ? result.errors.join('; ')
        : result.kind === 'failed'
          ? result.message
          : '',
  ];
  appendActions(services.spreadsheetApp.getActiveSpreadsheet(), [row]);
  return result;
}

export type TestSendResult =
  | { kind: 'cancelled' }
  | { kind: 'refused'; message: string }
  | { kind: 'queued'; to: string }
  | { kind: 'failed'; message: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * "Send me a test reminder": reminders 1 and 2 of the cart selected in the Carts tab (or of a sample
 * cart when none is), sent by the engine through its real mail path to the address the owner gives
 * (blank: the store's own), subjects marked [Test]. The engine records them as a test only.
 */
export function sendTestReminder(services: AppsScriptServices): TestSendResult {
  const ui = services.spreadsheetApp.getUi();
  const spreadsheet = services.spreadsheetApp.getActiveSpreadsheet();
  const settings = settingsOrExplain(services, ui, ['ownerActionUrl', 'ownerSecret']);
  if (!settings) return { kind: 'refused', message: 'not set up' };
  const selection =
    spreadsheet.getActiveSheet().getName() === EXPORT_TAB
      ? selectedColumnValues(spreadsheet, EXPORT_TAB, CART_ID_HEADER)
      : undefined;
  if (selection?.ok && selection.values.length > 1) {
    const problem = 'Select one cart (or none, for a sample cart) to test with.';
    ui.alert('Send me a test reminder', problem, ui.ButtonSet.OK);
    return { kind: 'refused', message: problem };
  }
  const cartId = selection?.ok ? selection.values[0] : undefined;
  const asked = ui.prompt(
    'Send me a test reminder',
    `Reminders 1 and 2 ${cartId ? `for cart ${cartId}` : 'for a sample cart'} will be sent, marked [Test], ` +
      "exactly as a shopper would get them. To which email address? (Blank: the store's own address.)",
    ui.ButtonSet.OK_CANCEL,
  );
  if (asked.getSelectedButton() !== ui.Button.OK) return { kind: 'cancelled' };
  const to = asked.getResponseText().trim();
  if (to && !EMAIL.test(to)) {
    const problem = `"${to}" is not an email address.`;
    ui.alert('Send me a test reminder', problem, ui.ButtonSet.OK);
    return { kind: 'refused', message: problem };
  }
  const request = signedRequest(
    services.utilities,
    { url: settings.ownerActionUrl, secret: settings.ownerSecret },
    { action: 'test_reminder', ...(cartId ? { cartId } : {}), ...(to ? { to } : {}), actor: MENU_ACTOR },
    services.now(),
  );
  const answer = send(services.urlFetch, request);
  let result: TestSendResult;
  if (answer.ok) {
    result = { kind: 'queued', to: String(answer.body.to ?? to) };
    ui.alert(
      'Test reminders on their way',
      `Reminders 1 and 2, marked [Test], go to ${result.to} within a minute, through the same mail service as every reminder.`,
      ui.ButtonSet.OK,
    );
  } else {
    const message = [answer.message, ...answer.errors.map(describeProblem)].join(' ');
    result = { kind: 'failed', message };
    ui.alert('Test reminder not sent', message, ui.ButtonSet.OK);
  }
  appendActions(spreadsheet, [
    [
      services.now().toISOString(),
      'test_reminder',
      cartId ?? 'sample cart',
      result.kind,
      result.kind === 'queued' ? `to ${result.to}` : result.kind === 'failed' ? result.message : '',
    ],
  ]);
  return result;
}

export const HELP_TEXT = [
  `Select rows in the "${EXPORT_TAB}" tab (any cells of a row), then:`,
  '• Suppress selected cart(s): no more reminders about those carts.',
  '• Write off selected cart(s): close them as lost.',
  '• Unsubscribe selected email(s): those shoppers get no more reminders, ever.',
  '• Send me a test reminder: reminders 1 and 2 of the selected cart (or a sample cart), marked [Test], to you.',
  '',
  'The Rules tab holds the reminder rules. Cart Recovery reads it every 15 minutes; "Sync rules now" reads it at once. Its status cell shows the version in force, or what to fix.',
  '',
  "The Import tab takes carts you paste (for example from your shop's abandoned-checkout export); each row gets its outcome beside it the next night.",
  '',
  'Every action is recorded in the Actions tab. Set up adds the tabs, creates the monthly summary document in your Drive, shares both with Cart Recovery and stores the addresses and the owner secret this menu uses. Running it again changes only what you type in.',
].join('\n');

export function showHelp(services: AppsScriptServices): void {
  const ui = services.spreadsheetApp.getUi();
  ui.alert('Cart Recovery help', HELP_TEXT, ui.ButtonSet.OK);
}

function settingsOrExplain<K extends SettingKey>(
  services: AppsScriptServices,
  ui: Ui,
  keys: readonly K[],
): Pick<Settings, K> | undefined {
  const read = readSettings(services.properties, keys);
  if (read.ok) return read.settings;
  ui.alert(
    'Cart Recovery is not set up',
    `Run Cart Recovery › Set up first (missing: ${read.missing.join(', ')}).`,
    ui.ButtonSet.OK,
  );
  return undefined;
}

function bullets(values: readonly string[]): string {
  const shown = values.slice(0, 15).map((v) => `• ${v}`);
  if (values.length > shown.length) shown.push(`…and ${values.length - shown.length} more`);
  return shown.join('\n');
}

/** "2026-06-10T14:00:00.000Z" → "2026-06-10 14:00 UTC". */
function readableTime(iso: string): string {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso;
}
