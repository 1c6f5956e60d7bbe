import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { emailHash } from '#engine/domain/email-hash.js';

describe('emailHash', () => {
  it('is the first 12 base64url characters of the SHA-256 of the email key', () => {
    // Prepare
    const full = createHash('sha256').update('ann@example.com', 'utf8').digest('base64url');

    // Act
    const hash = emailHash('ann@example.com');

    // Assess
    expect(hash).toBe(full.slice(0, 12));
    expect(hash).toBe('cdT1X3L6Eo37');
  });

  it('gives the same hash every time and different ones for different keys', () => {
    // Act
    const hashes = ['ann@example.com', 'ann@example.com', 'bob@example.com'].map(emailHash);

    // Assess
    expect(hashes[0]).toBe(hashes[1]);
    expect(hashes[2]).not.toBe(hashes[0]);
    expect(hashes[2]).toMatch(/^[A-Za-z0-9_-]{12}$/);
  });
});
