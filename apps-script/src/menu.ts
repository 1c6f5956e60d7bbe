import type { Ui } from './services.js';

export const MENU_TITLE = 'Cart Recovery';

/** The menu, top to bottom; `null` is a separator. Each function is a global of index.ts. */
export const MENU_ITEMS = [
  { caption: 'Suppress selected cart(s)', functionName: 'suppressSelectedCarts' },
  { caption: 'Unsubscribe selected email(s)', functionName: 'unsubscribeSelectedEmails' },
  { caption: 'Write off selected cart(s)', functionName: 'writeOffSelectedCarts' },
  null,
  { caption: 'Send me a test reminder', functionName: 'sendTestReminder' },
  null,
  { caption: 'Sync rules now', functionName: 'syncRulesNow' },
  null,
  { caption: 'Set up', functionName: 'setUp' },
  { caption: 'Help', functionName: 'showHelp' },
] as const;

/** Adds the Cart Recovery menu to the sheet (from onOpen, which may run without authorization). */
export function buildMenu(ui: Ui): void {
  let menu = ui.createMenu(MENU_TITLE);
  for (const item of MENU_ITEMS) {
    menu = item ? menu.addItem(item.caption, item.functionName) : menu.addSeparator();
  }
  menu.addToUi();
}
