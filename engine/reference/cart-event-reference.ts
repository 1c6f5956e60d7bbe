/**
 * The cart event's reference for storefront developers, generated from the one schema
 * (`cartEventSchema` in engine/domain/cart-event.ts), so it cannot disagree with the code: a JSON
 * Schema of what a sender may write (zod's `toJSONSchema`, input side: nulls for optional fields,
 * numbers for amounts, any case for the currency) and a table of its fields for the README.
 * Pure: `npm run docs:schema` writes both (write-cart-event-reference.ts); a test checks they are
 * current.
 */
import * as z from 'zod';
import { cartEventSchema } from '../domain/cart-event.js';

/** Where the JSON Schema is published in the repository. */
export const SCHEMA_PATH = 'docs/cart-event.schema.json';
/** The README lines between these markers are the generated table. */
export const TABLE_START = '<!-- cart-event-fields:start (npm run docs:schema writes this table) -->';
export const TABLE_END = '<!-- cart-event-fields:end -->';

type JsonSchema = {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  description?: string;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  [key: string]: unknown;
};

/** The JSON Schema (draft 2020-12) of a cart event as a sender writes it. */
export function cartEventJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(cartEventSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return {
    $schema: generated.$schema,
    title: 'Cart Recovery cart event',
    description:
      'The body of POST /webhook. Generated from engine/domain/cart-event.ts by npm run docs:schema; do not edit.',
    ...Object.fromEntries(Object.entries(generated).filter(([key]) => key !== '$schema')),
  };
}

/** One row of the fields table. */
export interface FieldRow {
  field: string;
  type: string;
  /** The event types that require it, or "no". */
  required: string;
  description: string;
}

function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return `"${String(schema.const)}"`;
  if (schema.enum) return schema.enum.map((v) => `"${String(v)}"`).join(' | ');
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' or ');
  if (Array.isArray(schema.type)) return schema.type.join(' or ');
  if (schema.type === 'array') return `list of ${schema.items ? typeOf(schema.items) : 'any'}`;
  if (schema.type === 'string' && schema.format === 'date-time') return 'string (date-time)';
  return schema.type ?? 'any';
}

/** The field's description, its limits after it in brackets. */
function describe(schema: JsonSchema): string {
  const limits = limitsOf(schema);
  return [schema.description ?? '', limits.length > 0 ? `(${limits.join(', ')})` : '']
    .filter(Boolean)
    .join(' ');
}

function limitsOf(schema: JsonSchema): string[] {
  const own = schema.anyOf?.find((s) => s.type !== 'null') ?? schema;
  const limits: string[] = [];
  if (own.minLength === 1) limits.push('not blank');
  if (own.maxLength !== undefined) limits.push(`at most ${own.maxLength} characters`);
  if (own.minimum !== undefined) limits.push(`at least ${own.minimum}`);
  if (own.maximum !== undefined) limits.push(`at most ${own.maximum}`);
  if (own.maxItems !== undefined) limits.push(`at most ${own.maxItems} items`);
  if (own.pattern !== undefined && own.format === undefined) limits.push(`pattern \`${own.pattern}\``);
  return limits;
}

/** Every field of the event, depth first, for each event type; a field both types have is one row. */
export function fieldRows(schema: JsonSchema = cartEventJsonSchema()): FieldRow[] {
  const rows = new Map<string, FieldRow & { requiredIn: string[] }>();
  const visit = (node: JsonSchema, prefix: string, eventType: string, requiredHere: boolean) => {
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      const field = `${prefix}${name}`;
      const required = requiredHere && (node.required ?? []).includes(name);
      const object = child.type === 'object' ? child : undefined;
      const list = child.type === 'array' && child.items?.type === 'object' ? child.items : undefined;
      if (!object) {
        const row = rows.get(field) ?? {
          field,
          type: list ? 'list of objects' : typeOf(child),
          required: '',
          description: describe(child),
          requiredIn: [],
        };
        if (required) row.requiredIn.push(eventType);
        rows.set(field, row);
      }
      if (object) visit(object, `${field}.`, eventType, required);
      if (list) visit(list, `${field}[].`, eventType, required);
    }
  };
  for (const branch of schema.oneOf ?? [schema]) {
    visit(branch, '', String(branch.properties?.type?.const ?? 'event'), true);
  }
  const types = (schema.oneOf ?? [schema]).length;
  return [...rows.values()].map(({ requiredIn, ...row }) => ({
    ...row,
    // "type" itself differs by branch: one row with both constants.
    ...(row.field === 'type'
      ? {
          type: (schema.oneOf ?? []).map((b) => typeOf(b.properties?.type ?? {})).join(' or '),
          description: (schema.oneOf ?? [])
            .map((b) => `${typeOf(b.properties?.type ?? {})}: ${b.properties?.type?.description ?? ''}`)
            .join(' '),
        }
      : {}),
    required: requiredIn.length === 0 ? 'no' : requiredIn.length === types ? 'yes' : requiredIn.join(', '),
  }));
}

/** The fields as a markdown table (escaped for table cells). */
export function fieldsTable(rows: readonly FieldRow[] = fieldRows()): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    '| field | type | required | what it holds |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| \`${r.field}\` | ${cell(r.type)} | ${r.required} | ${cell(r.description)} |`),
  ].join('\n');
}

/**
 * The rows of the table between the README's markers, each cell trimmed (Biome may align the
 * columns): what the staleness check compares. Undefined when the markers are missing.
 */
export function tableCellsIn(readme: string): string[][] | undefined {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start === -1 || end < start) return undefined;
  return readme
    .slice(start + TABLE_START.length, end)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('|') && !/^\|[\s:|-]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
}

/** The README with the table between its markers replaced. */
export function withTable(readme: string, table: string = fieldsTable()): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start === -1 || end < start)
    throw new Error(`README.md lacks the markers ${TABLE_START} ... ${TABLE_END}`);
  return `${readme.slice(0, start + TABLE_START.length)}\n\n${table}\n\n${readme.slice(end)}`;
}
