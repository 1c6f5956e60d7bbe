import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbAuditLog } from '#engine/adapters/dynamodb-audit-log.js';
import { DynamoDbCartStore } from '#engine/adapters/dynamodb-cart-store.js';
import { createTables, tableNames } from '#engine/adapters/dynamodb-tables.js';
import { StaticRulesSource } from '#engine/adapters/memory/static-rules-source.js';
import type { Cart } from '#engine/domain/cart.js';
import type { AuditEntry } from '#engine/ports.js';
import {
  DynamoDbSummarySource,
  simulatedCostModel,
  utcDays,
  utcMonths,
} from '#sheets-sync/summary/dynamodb-summary-source.js';
import { MemorySummaryDocument } from '#sheets-sync/summary/memory-summary.js';
import { writeMonthlySummary } from '#sheets-sync/summary/monthly-summary.js';
import { deterministicSummary } from '#sheets-sync/summary/summary-text.js';
import { sampleCart, sampleRules } from '#test/fakes/sample-cart.js';
import { type DynalitePeer, startDynalite } from '#test/peers/dynalite.js';
import { OCTOBER_EXPECTED, octoberAudit, octoberCarts } from './october-month.js';

// October 2026 in New York: EDT all month, local midnight is 04:00Z.
const OCTOBER = { month: '2026-10', from: '2026-10-01T04:00:00.000Z', to: '2026-11-01T04:00:00.000Z' };

let db: DynalitePeer;
let tables = 0;

beforeAll(async () => {
  db = await startDynalite();
});

afterAll(async () => {
  await db?.stop();
});

async function stores() {
  const names = tableNames(`cr-summary-${++tables}-`);
  await createTables(db.client, names);
  return {
    carts: new DynamoDbCartStore({ client: db.doc, tableName: names.carts }),
    audit: new DynamoDbAuditLog({ client: db.doc, tableName: names.audit }),
  };
}

/** Stores each cart once (the newest copy), filed under the day of its last touch. */
async function putCarts(store: DynamoDbCartStore, carts: Cart[]): Promise<void> {
  const newest = new Map<string, Cart>();
  for (const cart of carts) {
    const other = newest.get(cart.id);
    if (!other || cart.version > other.version) newest.set(cart.id, cart);
  }
  for (const cart of newest.values()) {
    await store.put({ ...cart, lastActivityAt: cart.closedAt ?? cart.firstSeenAt }, 0);
  }
}

const entry = (at: string): AuditEntry => ({ at, action: 'owner.suppress', actor: 'owner', cartId: 'x' });

describe('DynamoDbSummarySource', () => {
  it("reads the carts from the window's start minus the maximum cart age, and every month it touches", async () => {
    // Prepare: maxCartAgeHours is 168 (7 days) by default.
    const { carts, audit } = await stores();
    await putCarts(carts, [
      sampleCart({ id: 'too-old', firstSeenAt: '2026-09-20T12:00:00.000Z' }),
      sampleCart({ id: 'late-september', firstSeenAt: '2026-09-25T12:00:00.000Z' }),
      sampleCart({ id: 'october', firstSeenAt: '2026-10-15T12:00:00.000Z' }),
      sampleCart({ id: 'early-november', firstSeenAt: '2026-11-03T12:00:00.000Z' }),
      sampleCart({ id: 'too-new', firstSeenAt: '2026-11-12T12:00:00.000Z' }),
    ]);
    for (const at of ['2026-09-30T12:00:00.000Z', '2026-10-01T03:00:00.000Z', '2026-10-20T00:00:00.000Z']) {
      await audit.record(entry(at));
    }
    await audit.record(entry('2026-11-01T03:00:00.000Z'));
    const source = new DynamoDbSummarySource({
      carts,
      audit,
      rules: new StaticRulesSource(sampleRules()),
      cost: () => 0,
    });

    // Act
    const records = await source.records(OCTOBER);

    // Assess
    expect(records.carts.map((c) => c.id).sort()).toEqual(['early-november', 'late-september', 'october']);
    expect(records.audit.map((e) => e.at)).toEqual([
      '2026-10-01T03:00:00.000Z',
      '2026-10-20T00:00:00.000Z',
      '2026-11-01T03:00:00.000Z',
    ]);
  });

  it('prices the carts first seen in the window, reading the tables once for records and cost', async () => {
    // Prepare
    const { carts, audit } = await stores();
    await putCarts(carts, [
      sampleCart({ id: 'september', firstSeenAt: '2026-10-01T03:59:00.000Z' }),
      sampleCart({ id: 'first', firstSeenAt: '2026-10-01T04:00:00.000Z' }),
      sampleCart({ id: 'last', firstSeenAt: '2026-11-01T03:59:00.000Z' }),
      sampleCart({ id: 'november', firstSeenAt: '2026-11-01T04:00:00.000Z' }),
    ]);
    const priced: number[] = [];
    const source = new DynamoDbSummarySource({
      carts,
      audit,
      rules: new StaticRulesSource(sampleRules()),
      cost: (n) => {
        priced.push(n);
        return n * 0.01;
      },
    });

    // Act
    await source.records(OCTOBER);
    const queries = carts.requests.Query;
    const cost = await source.costUsd(OCTOBER);

    // Assess
    expect(priced).toEqual([2]);
    expect(cost).toBeCloseTo(0.02);
    expect(carts.requests.Query).toBe(queries);
  });

  it('gives writeMonthlySummary the figures of the month as stored in DynamoDB', async () => {
    // Prepare
    const { carts, audit } = await stores();
    await putCarts(carts, octoberCarts());
    for (const e of octoberAudit()) await audit.record(e);
    const rules = new StaticRulesSource(sampleRules());
    const source = new DynamoDbSummarySource({ carts, audit, rules, cost: () => 1.42 });
    const document = new MemorySummaryDocument();

    // Act
    const outcome = await writeMonthlySummary(
      { source, document, rules, summarize: async (figures) => deterministicSummary(figures) },
      { month: '2026-10' },
    );

    // Assess
    expect(outcome.figures).toMatchObject(OCTOBER_EXPECTED);
    expect(document.pages).toHaveLength(1);
  });
});

describe('simulatedCostModel', () => {
  it('prices more carts higher, from a month simulated once', async () => {
    // Prepare
    const cost = simulatedCostModel(new StaticRulesSource(sampleRules()), 50);

    // Act
    const few = await cost(100);
    const many = await cost(100_000);

    // Assess
    expect(few).toBeGreaterThan(0);
    expect(many).toBeGreaterThan(few * 10);
  });
});

describe('utcDays and utcMonths', () => {
  it('list every UTC day and month a window touches, the end excluded', () => {
    expect(utcDays(Date.parse('2026-10-01T04:00:00Z'), Date.parse('2026-10-03T04:00:00Z'))).toEqual([
      '2026-10-01',
      '2026-10-02',
      '2026-10-03',
    ]);
    expect(utcDays(Date.parse('2026-10-01T00:00:00Z'), Date.parse('2026-10-02T00:00:00Z'))).toEqual([
      '2026-10-01',
    ]);
    expect(utcMonths(Date.parse(OCTOBER.from), Date.parse(OCTOBER.to))).toEqual(['2026-10', '2026-11']);
    expect(utcMonths(Date.parse('2026-10-01T00:00:00Z'), Date.parse('2026-11-01T00:00:00Z'))).toEqual([
      '2026-10',
    ]);
  });
});
