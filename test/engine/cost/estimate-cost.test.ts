import { describe, expect, it } from 'vitest';
import { ASSUMPTIONS, coldShare, estimateMonthlyCost } from '#engine/cost/estimate-cost.js';

/** Requests counted for a sample of 100 carts, as the counting adapters report them. */
const SAMPLE = {
  Lambda: { webhook: 300, wake: 200, sender: 120, owner: 3 },
  DynamoDB: { GetItem: 1200, UpdateItem: 500, PutItem: 400 },
  SES: { SendEmail: 120 },
  SQS: { SendMessage: 120 },
  Scheduler: { CreateSchedule: 290, DeleteSchedule: 70 },
  Bedrock: { Converse: 10 },
};

const line = (carts: number, service: string) =>
  estimateMonthlyCost(SAMPLE, 100, carts).lines.find((l) => l.service === service);

describe('estimateMonthlyCost', () => {
  it('scales the sample to the month and reports the requests per cart', () => {
    const estimate = estimateMonthlyCost(SAMPLE, 100, 3000);

    expect(estimate.perCart.Lambda).toEqual({ webhook: 3, wake: 2, sender: 1.2, owner: 0.03 });
    // 18,690 simulated plus the sync's and the sweep's 2,880 runs each.
    expect(line(3000, 'Lambda (arm64)')?.usage).toMatch(/^24,450 invocations/);
    expect(line(3000, 'SES')?.usage).toBe('3,600 emails');
    expect(estimate.total.withTwelveMonthOffers).toBeLessThanOrEqual(estimate.total.alwaysFree);
    expect(estimate.total.alwaysFree).toBeLessThanOrEqual(estimate.total.withoutFreeTier);
  });

  it('gives SES no always-free tier, and its 3,000 emails only in the 12-month column', () => {
    const ses = line(3000, 'SES');

    expect(ses?.alwaysFree).toBeCloseTo(0.36, 6);
    expect(ses?.withoutFreeTier).toBeCloseTo(0.36, 6);
    expect(ses?.withTwelveMonthOffers).toBeCloseTo(0.06, 6);
  });

  it('counts Bedrock calls as measured: one per variant and day, whatever the senders', () => {
    expect(line(3000, 'Bedrock (Claude Haiku 4.5)')?.usage).toBe('10 Converse calls (variant-days)');
  });

  it('counts index writes per cart and storage at steady state under the TTLs', () => {
    const usage = line(300_000, 'DynamoDB (on demand)')?.usage ?? '';
    // (400 x 2 + 500 x 1.5 + 0 audit) x 3,000 + 300,000 x 3.4 index writes + 10 cache puts.
    expect(usage).toMatch(/^5,670,010 write units/);
    // Carts 3.3 months x 1,800 B, contacts 3 x 0.8 x 250 B, no audit rows in this sample: 1.96 GB.
    expect(usage).toContain('1.96 GB');
  });

  it('bills INIT on cold starts: rare for a busy function, every run for one called every 15 minutes', () => {
    expect(coldShare(43_200 * 10)).toBe(ASSUMPTIONS.lambdaInit.minColdShare);
    expect(coldShare(2_880)).toBeGreaterThan(0.6);
  });

  it('counts a rules GET for every invocation but the sender, whose jobs carry the rules', () => {
    // 3,000 carts: (300 + 200 + 3) per 100 carts, the sender's 120 left out; the sync reads 2 a run.
    expect(line(3000, 'S3 (rules)')?.usage).toBe('20,850 GETs');
  });

  it('caps rules GETs at one a minute per warm reader, however busy the store', () => {
    expect(line(3_000_000, 'S3 (rules)')?.usage).toBe('221,760 GETs');
  });
});
