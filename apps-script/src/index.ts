/**
 * The global functions Apps Script calls: onOpen (a simple trigger) and the menu items. Nothing
 * else lives here; each delegates to a module that takes the services as arguments.
 */
import {
  runCartAction,
  showHelp as runShowHelp,
  syncRulesNow as runSync,
  sendTestReminder as runTestSend,
} from './actions.js';
import { buildMenu } from './menu.js';
import type { AppsScriptServices } from './services.js';
import { setUp as runSetUp } from './set-up.js';
import type { SheetLayout } from './sheet-layout.js';

/** The tabs Set up adds: computed from the engine's own definitions by build.ts (esbuild `define`). */
declare const CART_RECOVERY_LAYOUT: SheetLayout;

function services(): AppsScriptServices {
  return {
    spreadsheetApp: SpreadsheetApp,
    urlFetch: UrlFetchApp,
    utilities: Utilities,
    properties: PropertiesService.getScriptProperties(),
    // The advanced Drive service's global exists only when appsscript.json enables it.
    drive: typeof Drive === 'undefined' ? undefined : Drive,
    lock: LockService.getDocumentLock(),
    now: () => new Date(),
  };
}

export function onOpen(): void {
  buildMenu(SpreadsheetApp.getUi());
}

export function suppressSelectedCarts(): void {
  runCartAction(services(), 'suppress');
}

export function unsubscribeSelectedEmails(): void {
  runCartAction(services(), 'unsubscribe');
}

export function writeOffSelectedCarts(): void {
  runCartAction(services(), 'write_off');
}

export function sendTestReminder(): void {
  runTestSend(services());
}

export function syncRulesNow(): void {
  runSync(services());
}

export function setUp(): void {
  runSetUp(services(), CART_RECOVERY_LAYOUT);
}

export function showHelp(): void {
  runShowHelp(services());
}
