import { describe, expect, it } from 'vitest';
import { estimateMonthlyCost } from '#engine/cost/estimate-cost.js';

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
    expect(line(3000, 'Lambda (arm64)')?.usage).toMatch(/^18,690 invocations/);
    expect(line(3000, 'SES')?.usage).toBe('3,600 emails');
    expect(estimate.total.withFreeTier).toBeLessThanOrEqual(estimate.total.withoutFreeTier);
  });

  it('counts a rules GET for every invocation but the sender, whose jobs carry the rules', () => {
    // 3,000 carts: (300 + 200 + 3) per 100 carts, the sender's 120 left out.
    expect(line(3000, 'S3 (rules)')?.usage).toBe('15,090 GETs');
  });

  it('caps rules GETs at one a minute per warm reader, however busy the store', () => {
    expect(line(3_000_000, 'S3 (rules)')?.usage).toBe('216,000 GETs');
  });
});
