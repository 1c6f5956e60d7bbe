import { describe, expect, it } from 'vitest';
import { monthlyFigures } from '#sheets-sync/summary/monthly-figures.js';
import {
  deterministicSummary,
  fillPlaceholders,
  modelSummary,
  summaryAsText,
} from '#sheets-sync/summary/summary-text.js';
import { sampleRules } from '#test/fakes/sample-cart.js';
import { localBedrockPerFile } from '#test/peers/bedrock.js';
import { OCTOBER_COST_USD, octoberAudit, octoberCarts } from './october-month.js';

const MODEL = 'test.summary-model-v1';

function october() {
  return monthlyFigures({
    carts: octoberCarts(),
    audit: octoberAudit(),
    rules: sampleRules(),
    month: '2026-10',
    costUsd: OCTOBER_COST_USD,
  });
}

describe('deterministicSummary', () => {
  it('writes the month in plain sentences with every figure from code', () => {
    // Act
    const summary = deterministicSummary(october());

    // Assess
    expect(summary.source).toBe('deterministic');
    expect(summary.title).toBe('Acme Outfitters: abandoned carts in October 2026');
    expect(summary.paragraphs).toEqual([
      'In October 2026, 6 of the 8 carts seen were left without a purchase. We sent 6 first reminders and 1 second reminder; 1 reminder waited for quiet hours to end and 1 reminder was skipped because the shopper had one recently.',
      "4 carts were bought within 5 days of a reminder (1 through its link), worth $240.99 and €40.00. Of this month's abandoned carts, 67% have been recovered so far; 14% of reminders had their link clicked.",
      'No shoppers were held out, so what the reminders add beyond purchases that would have happened anyway cannot be told. A holdout of 10% for a season would measure it.',
      '2 shoppers unsubscribed, 1 email bounced and 1 complaint came in. You suppressed 2 carts and wrote off 1. Running the reminders cost about $1.42 on AWS.',
    ]);
  });

  it('lists every figure in the table, one recovery rate per tier', () => {
    // Act
    const { table } = deterministicSummary(october());

    // Assess
    expect(Object.fromEntries(table.map((r) => [r.label, r.value]))).toEqual({
      'Carts seen': '8',
      'Carts abandoned': '6',
      'First reminders sent': '6',
      'Second reminders sent': '1',
      'Reminders deferred by quiet hours': '1',
      'Reminders skipped by the frequency cap': '1',
      'Carts recovered this month (bought within 5 days of a reminder)': '4',
      'Recovered through the reminder link': '1',
      'Recovered revenue': '$240.99 and €40.00',
      'Attribution window': '5 days',
      'Reminder link click rate': '14%',
      "Recovery rate of this month's abandoned carts, so far": '67%',
      'Recovery rate, small carts': '67% (2 of 3 left this month)',
      'Recovery rate, medium carts': '50% (1 of 2 left this month)',
      'Recovery rate, big carts': '100% (1 of 1 left this month)',
      Unsubscribes: '2',
      Bounces: '1',
      Complaints: '1',
      'Carts you suppressed': '2',
      'Carts you wrote off': '1',
      'Estimated AWS cost': '$1.42',
      'Holdout (shoppers sent no reminders)': '0%',
      'Abandoned carts reminded': '1 of 5 bought (20%)',
      'Abandoned carts held out': '0 of 0 bought (n/a)',
      'Lift of reminders (95% range)': 'not enough carts yet to say (30 needed in each group)',
    });
  });

  it('says there is no rate yet for a month without abandoned carts', () => {
    // Prepare
    const figures = monthlyFigures({
      carts: [],
      audit: [],
      rules: sampleRules(),
      month: '2026-10',
      costUsd: 0,
    });

    // Act
    const summary = deterministicSummary(figures);

    // Assess
    expect(summary.paragraphs[1]).toBe(
      '0 carts were bought within 5 days of a reminder, worth $0.00. No carts were abandoned this month, so there is no recovery rate yet.',
    );
    expect(summaryAsText(summary)).toMatch(/^Recovery rate, small carts +n\/a$/m);
  });
});

describe('fillPlaceholders', () => {
  it('writes values with dollar signs as they are', () => {
    expect(fillPlaceholders('Worth {revenue}.', { revenue: '$1,234.50 ($&)' })).toBe('Worth $1,234.50 ($&).');
  });

  it('refuses unknown or inherited placeholders and stray braces', () => {
    expect(() => fillPlaceholders('We got {profit}.', { revenue: 'x' })).toThrow(/bad_placeholder/);
    expect(() => fillPlaceholders('We got {toString}.', { revenue: 'x' })).toThrow(/bad_placeholder/);
    expect(() => fillPlaceholders('We got {revenue.', { revenue: 'x' })).toThrow(/bad_placeholder/);
  });
});

describe('modelSummary', () => {
  const peer = localBedrockPerFile();

  it("uses the model's prose with the figures filled in by code", async () => {
    // Prepare
    peer.bedrock.configure({
      reply: () =>
        'In {month}, reminders brought back {recovered} carts worth {revenue}. About {rate} of abandoned carts came back.',
    });

    // Act
    const summary = await modelSummary(october(), peer.client, MODEL, 2_000);

    // Assess
    expect(summary.source).toBe('model');
    expect(summary.fallbackReason).toBeUndefined();
    expect(summary.paragraphs).toEqual([
      'In October 2026, reminders brought back 4 carts worth $240.99 and €40.00. About 67% of abandoned carts came back.',
    ]);
    expect(summary.table).toEqual(deterministicSummary(october()).table);
  });

  it('gives the model only the figures, as JSON, and asks for placeholders instead of numbers', async () => {
    // Prepare
    peer.bedrock.configure({ reply: () => 'A quiet month: {recovered} carts came back.' });

    // Act
    await modelSummary(october(), peer.client, MODEL, 2_000);

    // Assess
    const request = peer.bedrock.requests[0];
    expect(request?.modelId).toBe(MODEL);
    const facts = JSON.parse(request?.line ?? '');
    expect(facts).toMatchObject({ month: '2026-10', recovered: 4, abandoned: 6, estimatedCostUsd: 1.42 });
    expect(facts).not.toHaveProperty('days');
    expect(request?.system).toContain('{recovered}');
    expect(request?.system).toContain('Never write a number');
  });

  it('falls back to the deterministic summary when the answer holds a digit', async () => {
    // Prepare
    peer.bedrock.configure({ reply: () => 'You recovered 5 carts worth {revenue}.' });

    // Act
    const summary = await modelSummary(october(), peer.client, MODEL, 2_000);

    // Assess
    expect(summary).toEqual({ ...deterministicSummary(october()), fallbackReason: 'digits' });
  });

  it('falls back when the answer uses a placeholder it was not given', async () => {
    // Prepare
    peer.bedrock.configure({ reply: () => 'Profit was {profit}.' });

    // Act
    const summary = await modelSummary(october(), peer.client, MODEL, 2_000);

    // Assess
    expect(summary.source).toBe('deterministic');
    expect(summary.fallbackReason).toBe('bad_placeholder');
  });

  it('falls back when Bedrock is down', async () => {
    // Prepare
    peer.bedrock.configure({ fail: 'internal' });

    // Act
    const summary = await modelSummary(october(), peer.client, MODEL, 2_000);

    // Assess
    expect(summary).toEqual({ ...deterministicSummary(october()), fallbackReason: 'unavailable' });
    expect(peer.bedrock.requests).toHaveLength(1);
  });

  it('falls back when Bedrock is slower than the timeout', async () => {
    // Prepare
    peer.bedrock.configure({ delayMs: 3_000, reply: () => 'Too late for {month}.' });
    const started = Date.now();

    // Act
    const summary = await modelSummary(october(), peer.client, MODEL, 200);

    // Assess
    expect(summary.source).toBe('deterministic');
    expect(summary.fallbackReason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2_500);
  });
});
