import { describe, expect, it } from 'vitest';
import { renderEstimate } from '#engine/cli/cost-command.js';
import { estimateMonthlyCost } from '#engine/cost/estimate-cost.js';

/** Requests counted for a sample of 100 carts, as the counting adapters report them. */
const SAMPLE = {
  Lambda: { webhook: 300, wake: 200, sender: 120, owner: 3 },
  DynamoDB: { GetItem: 1200, UpdateItem: 500, PutItem: 400 },
  SES: { SendEmail: 120 },
};

describe('renderEstimate', () => {
  it('says what each run of the rules sync and the sweep is counted as reading', () => {
    // Prepare
    const estimate = estimateMonthlyCost(SAMPLE, 100, 3000);

    // Act
    const text = renderEstimate(estimate);

    // Assess
    expect(text).toContain(
      '  rules sync (two S3 GETs a run) and sweep (one Query of a keys-only index a run) every 15 minutes, 2,880 runs each, cold every time\n',
    );
    expect(text).not.toContain('not built');
  });
});
