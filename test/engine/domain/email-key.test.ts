import { describe, expect, it } from 'vitest';
import { emailKey } from '#engine/domain/email-key.js';

describe('emailKey', () => {
  it('trims and lower-cases an email', () => {
    // Act / Assess
    expect(emailKey('  Shopper@Example.COM\t')).toBe('shopper@example.com');
  });
});
