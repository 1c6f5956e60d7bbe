import { describe, expect, it } from 'vitest';
import { isSupportedLocale } from '#engine/domain/supported-locale.js';

describe('isSupportedLocale', () => {
  it('is true for tags Intl has number and date data for', () => {
    expect(isSupportedLocale('de-CH')).toBe(true);
    expect(isSupportedLocale('pt-BR')).toBe(true);
    expect(isSupportedLocale('en')).toBe(true);
  });

  it('is false for a well-formed tag Intl knows nothing of', () => {
    expect(isSupportedLocale('xx-XX')).toBe(false);
  });

  it('is false, not a throw, for text that is no language tag at all', () => {
    expect(isSupportedLocale('not a tag!')).toBe(false);
    expect(isSupportedLocale('')).toBe(false);
  });

  it('gives the same answer when asked again', () => {
    expect([isSupportedLocale('xx-XX'), isSupportedLocale('de-CH'), isSupportedLocale('xx-XX')]).toEqual([
      false,
      true,
      false,
    ]);
  });
});
