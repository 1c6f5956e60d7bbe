import { describe, expect, it } from 'vitest';
import { tierFor, tierOrderWarnings } from '#engine/domain/tiers.js';
import { sampleRules } from '#test/fakes/sample-cart.js';

describe('tierFor', () => {
  it('puts totals at the default tier boundaries in the higher tier', () => {
    // Prepare
    const rules = sampleRules();
    const totals = ['0', '0.00', '49.99', '50.00', '50', '149.99', '150', '150.00', '99999.99'];

    // Act
    const names = totals.map((total) => tierFor(rules, total).name);

    // Assess
    expect(names).toEqual(['small', 'small', 'small', 'medium', 'medium', 'medium', 'big', 'big', 'big']);
  });

  it('accepts a number total', () => {
    // Act / Assess
    expect(tierFor(sampleRules(), 50).name).toBe('medium');
    expect(tierFor(sampleRules(), 49.99).name).toBe('small');
  });

  it("returns the tier's wait hours", () => {
    // Act / Assess
    expect(tierFor(sampleRules(), '150')).toEqual({
      name: 'big',
      minTotal: 150,
      firstWaitHours: 1,
      secondWaitHours: 20,
    });
  });

  it('uses tiers given in any order', () => {
    // Prepare: parseRules sorts tiers by minTotal.
    const rules = sampleRules({
      tiers: [
        { name: 'vip', minTotal: 500, firstWaitHours: 0.5 },
        { name: 'everyone', minTotal: 0 },
        { name: 'mid', minTotal: 20 },
      ],
    });

    // Act
    const names = ['19.99', '20', '499.99', '500'].map((total) => tierFor(rules, total).name);

    // Assess
    expect(names).toEqual(['everyone', 'mid', 'mid', 'vip']);
  });

  it('refuses rules without tiers, which parseRules never returns', () => {
    // Prepare
    const rules = { ...sampleRules(), tiers: [] };

    // Act / Assess
    expect(() => tierFor(rules, '10')).toThrow(new Error('rules without tiers reached the engine'));
  });

  it('gives the first tier to a total below every tier', () => {
    // Prepare
    const rules = {
      ...sampleRules(),
      tiers: [{ name: 'only', minTotal: 10, firstWaitHours: 1, secondWaitHours: 2 }],
    };

    // Act / Assess
    expect(tierFor(rules, '5').name).toBe('only');
  });
});

describe('tierOrderWarnings', () => {
  it('warns about a tier named smaller than one it starts above', () => {
    // Act
    const warnings = tierOrderWarnings([
      { name: 'small', minTotal: 0 },
      { name: 'big', minTotal: 50 },
      { name: 'medium', minTotal: 150 },
    ]);

    // Assess
    expect(warnings).toEqual([
      {
        tier: 'medium',
        message:
          'starts at 150, above "big" (50), though its name says it is smaller: check the totals or the names',
      },
    ]);
  });

  it('reads names without case and with -, _ or spaces alike, in any order given', () => {
    expect(
      tierOrderWarnings([
        { name: 'Extra-Large', minTotal: 100 },
        { name: 'LARGE', minTotal: 200 },
        { name: 'small', minTotal: 0 },
      ]).map((w) => w.tier),
    ).toEqual(['LARGE']);
  });

  it('says nothing of tiers in order, of names that are not sizes, or of a single tier', () => {
    expect(
      tierOrderWarnings([
        { name: 'small', minTotal: 0 },
        { name: 'gold', minTotal: 20 },
        { name: 'medium', minTotal: 50 },
        { name: 'large', minTotal: 150 },
        { name: 'xl', minTotal: 500 },
      ]),
    ).toEqual([]);
    expect(tierOrderWarnings([{ name: 'big', minTotal: 0 }])).toEqual([]);
  });

  it('lists its warnings by threshold, each naming the lowest tier it starts above, whatever the order given', () => {
    // Act
    const warnings = tierOrderWarnings([
      { name: 'tiny', minTotal: 200 },
      { name: 'medium', minTotal: 150 },
      { name: 'huge', minTotal: 60 },
      { name: 'big', minTotal: 50 },
      { name: 'small', minTotal: 0 },
    ]);

    // Assess
    expect(warnings).toEqual([
      {
        tier: 'medium',
        message:
          'starts at 150, above "big" (50), though its name says it is smaller: check the totals or the names',
      },
      {
        tier: 'tiny',
        message:
          'starts at 200, above "small" (0), though its name says it is smaller: check the totals or the names',
      },
    ]);
  });

  it('warns about a tier named small starting above a big one', () => {
    // Act
    const warnings = tierOrderWarnings([
      { name: 'big', minTotal: 0 },
      { name: 'small', minTotal: 50 },
    ]);

    // Assess
    expect(warnings).toEqual([
      {
        tier: 'small',
        message:
          'starts at 50, above "big" (0), though its name says it is smaller: check the totals or the names',
      },
    ]);
  });

  it('reads a name with spaces around it, or several separators between its words', () => {
    // Act
    const warnings = tierOrderWarnings([
      { name: 'small', minTotal: 0 },
      { name: 'Extra -  Large', minTotal: 50 },
      { name: ' big ', minTotal: 150 },
    ]);

    // Assess
    expect(warnings.map((w) => w.tier)).toEqual([' big ']);
  });

  it.each([
    {
      what: 'a size starting above a name that is not a size',
      tiers: [
        { name: 'gold', minTotal: 0 },
        { name: 'tiny', minTotal: 20 },
      ],
    },
    {
      what: 'two names of the same size',
      tiers: [
        { name: 'big', minTotal: 0 },
        { name: 'large', minTotal: 50 },
      ],
    },
    {
      what: 'two tiers starting at the same total, as neither starts above the other',
      tiers: [
        { name: 'big', minTotal: 50 },
        { name: 'medium', minTotal: 50 },
      ],
    },
  ])('says nothing of $what', ({ tiers }) => {
    expect(tierOrderWarnings(tiers)).toEqual([]);
  });
});
