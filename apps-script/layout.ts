/**
 * The tabs Set up adds, computed from the engine's own definitions: the Rules tab from the example
 * rules through the sync's own `rulesToRows` (so the sync reads back exactly what Set up writes),
 * with the store's own fields left blank (an example store name or sender must never be published
 * over the real rules), and the Carts, Import and Actions headers from the modules that write and
 * read them. Each tab the engine reads is marked with developer metadata, so a renamed tab is still
 * found. build.ts inlines the result into the Apps Script bundle, which then carries no zod, yaml or
 * luxon.
 */
import { readFile } from 'node:fs/promises';
import type { Rules } from '#engine/domain/rules.js';
import { parseRulesYaml } from '#engine/domain/rules-yaml.js';
import { EXPORT_HEADERS, EXPORT_TAB } from '../sheets-sync/export-rows.js';
import { DEFAULT_RULES_TAB, DEFAULT_STATUS_CELL, TAB_METADATA_KEY } from '../sheets-sync/google-sheets.js';
import { IMPORT_HEADER_NOTES, IMPORT_HEADERS, IMPORT_TAB } from '../sheets-sync/import-rows.js';
import { rulesToRows } from '../sheets-sync/rules-sheet.js';
import { ACTIONS_HEADER, ACTIONS_TAB } from './src/actions-log.js';
import { CART_ID_HEADER, EMAIL_HEADER } from './src/selection.js';
import type { SheetLayout } from './src/sheet-layout.js';

export const EXAMPLE_RULES_FILE = new URL('../examples/rules.yaml', import.meta.url);

export async function exampleRules(): Promise<Rules> {
  return parseRulesYaml(await readFile(EXAMPLE_RULES_FILE, 'utf8'));
}

/** The owner's tabs for these (example) rules. */
export function sheetLayout(rules: Rules): SheetLayout {
  return {
    metadataKey: TAB_METADATA_KEY,
    rules: {
      name: DEFAULT_RULES_TAB,
      role: 'rules',
      statusCell: DEFAULT_STATUS_CELL,
      ...rulesToRows(rules, { blankStore: true }),
    },
    tabs: [
      {
        name: EXPORT_TAB,
        role: 'carts',
        headers: [...EXPORT_HEADERS],
        notes: {
          [CART_ID_HEADER]:
            "Cart Recovery rewrites this tab every night with the day's carts. Select rows here, then use the Cart Recovery menu.",
          [EMAIL_HEADER]: 'Unsubscribe selected email(s) in the Cart Recovery menu reads this column.',
        },
      },
      {
        name: IMPORT_TAB,
        role: 'import',
        headers: [...IMPORT_HEADERS],
        notes: { ...IMPORT_HEADER_NOTES },
        // Typed ids such as 00123 or 1234567890123456789 stay exactly as typed.
        textHeaders: [CART_ID_HEADER],
      },
      {
        name: ACTIONS_TAB,
        headers: [...ACTIONS_HEADER],
        notes: { [ACTIONS_HEADER[0]]: 'Every action from the Cart Recovery menu, newest last.' },
      },
    ],
  };
}
