import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCartEvent } from '#engine/domain/cart-event.js';
import {
  cartEventJsonSchema,
  fieldRows,
  fieldsTable,
  SCHEMA_PATH,
  TABLE_END,
  TABLE_START,
  tableCellsIn,
  withTable,
} from '#engine/reference/cart-event-reference.js';
import updated from '#test/events/storefront/cart-updated.json' with { type: 'json' };

const ROOT = resolve(import.meta.dirname, '../../..');
const STALE = 'out of date: run "npm run docs:schema" and commit what it writes';

describe('the cart event reference', () => {
  it(`publishes the JSON Schema of the engine's own schema in ${SCHEMA_PATH}`, () => {
    const published = JSON.parse(readFileSync(join(ROOT, SCHEMA_PATH), 'utf8')) as unknown;

    expect(published, `${SCHEMA_PATH} is ${STALE}`).toEqual(cartEventJsonSchema());
  });

  it("holds the README's table of fields as the schema generates it", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

    expect(tableCellsIn(readme), `the README's cart event table is ${STALE}`).toEqual(
      tableCellsIn(withTable(`${TABLE_START}${TABLE_END}`, fieldsTable())),
    );
  });

  it('documents the currency as written in any case, as the webhook reads it', () => {
    // Prepare
    const schema = cartEventJsonSchema() as {
      oneOf: { properties: { cart: { properties: Record<string, { pattern: string }> } } }[];
    };
    const pattern = new RegExp(schema.oneOf[0]?.properties.cart.properties.currency?.pattern ?? '$^');
    const lower = structuredClone(updated);
    lower.cart.currency = 'usd';

    // Act
    const parsed = parseCartEvent(lower);

    // Assess
    expect(['usd', 'USD', 'Eur'].map((code) => pattern.test(code))).toEqual([true, true, true]);
    expect(pattern.test('US')).toBe(false);
    expect(parsed.ok && parsed.event.type === 'cart.updated' && parsed.event.cart.currency).toBe('USD');
    expect(fieldRows().find((row) => row.field === 'cart.currency')).toEqual({
      field: 'cart.currency',
      type: 'string',
      required: 'cart.updated',
      description:
        'An ISO 4217 code such as "USD", in any case ("usd" is read as "USD"). (pattern `^[A-Za-z]{3}$`)',
    });
  });

  it('lists every field of both event types, once, with what requires it', () => {
    const rows = fieldRows();

    expect(rows.map((r) => r.field)).toEqual(
      expect.arrayContaining(['id', 'type', 'cart.id', 'cart.items[].price']),
    );
    expect(new Set(rows.map((r) => r.field)).size).toBe(rows.length);
    expect(rows.find((r) => r.field === 'cart.id')?.required).toBe('yes');
    expect(rows.find((r) => r.field === 'cart.email')?.required).toBe('no');
    expect(rows.find((r) => r.field === 'cart.total')?.type).toBe('string or number');
  });
});
