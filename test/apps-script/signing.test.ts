import { describe, expect, it } from 'vitest';
import {
  signatureHeader as engineSignatureHeader,
  verifySignature,
} from '#engine/domain/request-signature.js';
import { signatureHeader, signedBytesToHex } from '../../apps-script/src/signing.js';
import { FakeUtilities } from './fakes.js';

const SECRET = 'owner_current_0123456789abcdef';
const AT = 1_781_107_200;

describe('signedBytesToHex', () => {
  it('writes Java signed bytes as the unsigned hex bytes they stand for', () => {
    expect(signedBytesToHex([0, 1, 15, 16, 127, -128, -127, -16, -1])).toBe('00010f107f8081f0ff');
  });

  it('gives 64 hex digits for any HMAC-SHA256', () => {
    const bytes = new FakeUtilities().computeHmacSha256Signature('x', 'y', 'UTF_8');
    expect(bytes.some((b) => b < 0)).toBe(true);
    expect(signedBytesToHex(bytes)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('signatureHeader (Apps Script)', () => {
  it.each([
    [
      'an ASCII body',
      '{"action":"suppress","cartId":"cart-1001","nonce":"0b9f4c1e-1d2a-4c3b-9e8f-7a6b5c4d3e2f"}',
    ],
    ['a body with accents and emoji', '{"action":"suppress","cartId":"cart-1001","reason":"Zoë asked 🙏"}'],
  ])('signs %s exactly as the engine does, and the engine accepts it', (_, body) => {
    // Act
    const header = signatureHeader(new FakeUtilities(), SECRET, body, AT);

    // Assess
    expect(header).toBe(engineSignatureHeader(SECRET, body, AT));
    expect(verifySignature(header, Buffer.from(body, 'utf8'), SECRET, new Date(AT * 1000))).toEqual({
      ok: true,
      timestamp: AT,
    });
  });

  it('makes a signature the engine refuses for another body or secret', () => {
    // Act
    const header = signatureHeader(new FakeUtilities(), SECRET, '{"a":1}', AT);

    // Assess
    expect(verifySignature(header, '{"a":2}', SECRET, new Date(AT * 1000)).ok).toBe(false);
    expect(verifySignature(header, '{"a":1}', 'another_secret_0123456789', new Date(AT * 1000)).ok).toBe(
      false,
    );
  });
});
