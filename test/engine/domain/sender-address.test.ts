import { describe, expect, it } from 'vitest';
import { isAtDomain, senderProblem } from '#engine/domain/sender-address.js';

describe('isAtDomain', () => {
  it('takes the domain and its subdomains, without case, and nothing that only ends like it', () => {
    expect(isAtDomain('hi@shop.example.com', 'shop.example.com')).toBe(true);
    expect(isAtDomain('hi@Mail.SHOP.example.com', 'shop.example.com')).toBe(true);
    expect(isAtDomain('hi@myshop.example.com', 'shop.example.com')).toBe(false);
    expect(isAtDomain('hi@example.com', 'shop.example.com')).toBe(false);
    expect(isAtDomain('no-at-sign', 'shop.example.com')).toBe(false);
  });

  it('reads an address without an @ as at no domain, even one spelled like the domain', () => {
    expect(isAtDomain('shop.example.com', 'shop.example.com')).toBe(false);
  });

  it('reads the domain after the last @, however short the part before it', () => {
    expect(isAtDomain('a@shop.example.com', 'shop.example.com')).toBe(true);
    expect(isAtDomain('"a@b"@shop.example.com', 'shop.example.com')).toBe(true);
  });
});

describe('senderProblem', () => {
  const sender = { domain: 'shop.example.com', address: 'reminders@shop.example.com' };

  it('accepts the pinned address, its domain in any case', () => {
    expect(senderProblem('reminders@Shop.Example.com', sender)).toBeUndefined();
  });

  it('refuses an address outside the SES domain, naming the domain', () => {
    expect(senderProblem('owner@gmail.com', sender)).toBe(
      'must be an address at shop.example.com (or one of its subdomains), the domain verified in Amazon SES for this store: mail from owner@gmail.com could not be sent',
    );
  });

  it('refuses another address of the domain when the deployment pins one, and accepts it when not', () => {
    expect(senderProblem('hello@shop.example.com', sender)).toMatch(
      /^must be reminders@shop\.example\.com, the one address Cart Recovery may send from/,
    );
    expect(senderProblem('Reminders@shop.example.com', sender)).toMatch(/^must be reminders@/);
    expect(senderProblem('hello@shop.example.com', { domain: 'shop.example.com' })).toBeUndefined();
  });

  it('refuses the pinned name at a subdomain of the pinned address', () => {
    expect(senderProblem('reminders@mail.shop.example.com', sender)).toMatch(
      /^must be reminders@shop\.example\.com,/,
    );
  });
});
