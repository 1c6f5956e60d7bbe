import { describe, expect, it } from 'vitest';
import {
  auditExpiresAt,
  cartExpiresAt,
  DEFAULT_RETENTION,
  expiresAfterDays,
} from '#engine/domain/retention.js';

const seconds = (iso: string) => Date.parse(iso) / 1000;

describe('retention windows', () => {
  it('default to 90 days for closed carts and contacts, 13 months for audit rows', () => {
    expect(DEFAULT_RETENTION).toEqual({ closedCartDays: 90, auditMonths: 13, contactDays: 90 });
  });
});

describe('expiresAfterDays', () => {
  it('adds whole days and answers in epoch seconds', () => {
    expect(expiresAfterDays('2026-06-10T12:00:00Z', 90)).toBe(seconds('2026-09-08T12:00:00Z'));
  });

  it('rounds a fraction of a second up, so a record never expires early', () => {
    expect(expiresAfterDays(new Date('2026-06-10T12:00:00.001Z'), 1)).toBe(seconds('2026-06-11T12:00:01Z'));
  });

  it('refuses a time it cannot read', () => {
    expect(() => expiresAfterDays('yesterday', 1)).toThrow(RangeError);
  });

  it('names the time it cannot read', () => {
    expect(() => expiresAfterDays('yesterday', 1)).toThrow(new RangeError('from is not a time'));
    expect(() => expiresAfterDays(new Date(Number.NaN), 1)).toThrow(new RangeError('from is not a time'));
  });
});

describe('cartExpiresAt', () => {
  it('expires a closed cart the window after it closed', () => {
    const cart = { status: 'given_up', closedAt: '2026-06-15T06:00:00.000Z' };

    expect(cartExpiresAt(cart, 90)).toBe(seconds('2026-09-13T06:00:00Z'));
  });

  it('never expires an open cart', () => {
    expect(cartExpiresAt({ status: 'open' }, 90)).toBeUndefined();
    expect(cartExpiresAt({ status: 'open', closedAt: '2026-06-15T06:00:00Z' }, 90)).toBeUndefined();
  });

  it('gives no expiry to a closed cart that holds no closing time', () => {
    expect(cartExpiresAt({ status: 'purchased' }, 90)).toBeUndefined();
  });
});

describe('auditExpiresAt', () => {
  it('keeps an audit row the given calendar months', () => {
    expect(auditExpiresAt('2026-06-10T14:30:00.000Z', 13)).toBe(seconds('2027-07-10T14:30:00Z'));
  });

  it("ends on the month's last day when the day does not exist there", () => {
    expect(auditExpiresAt('2026-01-31T10:00:00Z', 13)).toBe(seconds('2027-02-28T10:00:00Z'));
    expect(auditExpiresAt('2027-01-31T10:00:00Z', 13)).toBe(seconds('2028-02-29T10:00:00Z'));
  });

  it('refuses a time it cannot read, naming it', () => {
    expect(() => auditExpiresAt('next month', 13)).toThrow(new RangeError('at is not a time'));
  });

  it('files a time with an offset by its UTC instant', () => {
    expect(auditExpiresAt('2026-06-30T23:30:00-02:00', 1)).toBe(seconds('2026-08-01T01:30:00Z'));
  });
});
