import { describe, expect, it } from 'vitest';
import { discountFor } from '#engine/domain/discount.js';
import { sampleCart, sampleRules } from '#test/fakes/sample-cart.js';

describe('discountFor', () => {
  const now = new Date('2026-06-11T14:00:00Z');
  const DISCOUNT = { code: 'THANKS10', description: '10% off your order' };

  it('gives the code and the owner’s words, and no minimum or expiry where the owner set none', () => {
    // Act
    const shown = discountFor(sampleCart(), 2, sampleRules({ discount: DISCOUNT }), 'en', now);

    // Assess: strictly, so a minimum or expiry key holding undefined would show.
    expect(shown).toStrictEqual({ code: 'THANKS10', words: '10% off your order' });
  });

  it('names the minimum total and the last valid day where the owner set them', () => {
    // Prepare
    const rules = sampleRules({ discount: { ...DISCOUNT, minTotal: 50, expires: '2026-06-30' } });

    // Act
    const shown = discountFor(sampleCart(), 2, rules, 'en', now);

    // Assess
    expect(shown).toStrictEqual({
      code: 'THANKS10',
      words: '10% off your order',
      minTotal: 50,
      expires: '2026-06-30',
    });
  });

  it('uses the owner’s discount words for the reminder’s language', () => {
    // Prepare
    const rules = sampleRules({ discount: DISCOUNT, messages: { de: { discount: '10 % Rabatt' } } });

    // Act / Assess
    expect(discountFor(sampleCart(), 2, rules, 'de', now)?.words).toBe('10 % Rabatt');
    expect(discountFor(sampleCart(), 2, rules, 'fr', now)?.words).toBe('10% off your order');
  });

  it('offers a discount with no minimum to a cart known only from its checkout', () => {
    // Act
    const shown = discountFor(
      sampleCart({ snapshot: null }),
      2,
      sampleRules({ discount: DISCOUNT }),
      'en',
      now,
    );

    // Assess
    expect(shown?.code).toBe('THANKS10');
  });

  it('refuses a discount with a minimum to a cart known only from its checkout, as a total of 0', () => {
    // Prepare
    const rules = sampleRules({ discount: { ...DISCOUNT, minTotal: 0.01 } });

    // Act / Assess
    expect(discountFor(sampleCart({ snapshot: null }), 2, rules, 'en', now)).toBeUndefined();
  });
});
