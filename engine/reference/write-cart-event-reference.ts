/**
 * `npm run docs:schema`: writes docs/cart-event.schema.json and the README's table of the cart
 * event's fields from the schema (cart-event-reference.ts), then lets Biome lay them out as
 * `npm run format` would. test/engine/reference/cart-event-reference.test.ts fails until this has
 * been run after a change of the schema.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { cartEventJsonSchema, SCHEMA_PATH, withTable } from './cart-event-reference.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = `${root}README.md`;
await writeFile(`${root}${SCHEMA_PATH}`, `${JSON.stringify(cartEventJsonSchema(), null, 2)}\n`);
await writeFile(readme, withTable(await readFile(readme, 'utf8')));
execFileSync('npx', ['biome', 'format', '--write', 'README.md', SCHEMA_PATH], {
  cwd: root,
  stdio: 'inherit',
});
console.log(`wrote ${SCHEMA_PATH} and the cart event table in README.md`);
