/**
 * The global functions Apps Script calls: onOpen (a simple trigger) and the menu items. Nothing
 * else lives here; each delegates to a module that takes the services as arguments.
 */
import {
  runCartAction,
  setUp as runSetUp,
  showHelp as runShowHelp,
  syncRulesNow as runSync,
} from './actions.js';
import { buildMenu } from './menu.js';
import type { AppsScriptServices } from './services.js';

function services(): AppsScriptServices {
  return {
    spreadsheetApp: SpreadsheetApp,
    urlFetch: UrlFetchApp,
    utilities: Utilities,
    properties: PropertiesService.getScriptProperties(),
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

export function syncRulesNow(): void {
  runSync(services());
}

export function setUp(): void {
  runSetUp(services());
}

export function showHelp(): void {
  runShowHelp(services());
}
