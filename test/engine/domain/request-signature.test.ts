import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  SIGNATURE_HEADER,
  SIGNATURE_TOLERANCE_SECONDS,
  signatureHeader,
  verifySignature,
} from '#engine/domain/request-signature.js';

const SECRET = 'whsec_test_0123456789';
const OTHER = 'whsec_other_0123456789';
const BODY = '{"id":"evt_1","total":"42.50"}';
const AT = 1_760_000_000;
const NOW = new Date(AT * 1000);
const MALFORMED = 'the signature header must look like t=<unix seconds>,v1=<hex>';

/** The `v1` hex of a body signed with a secret at a time, computed here from its definition. */
function mac(secret: string, body: string, at: number): string {
  return createHmac('sha256', secret).update(`${at}.${body}`).digest('hex');
}

describe('signatureHeader', () => {
  it('writes t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    // Act
    const header = signatureHeader(SECRET, BODY, AT);

    // Assess
    expect(header).toBe(`t=${AT},v1=${mac(SECRET, BODY, AT)}`);
    expect(signatureHeader(SECRET, Buffer.from(BODY, 'utf8'), AT)).toBe(header);
  });

  it('names the header and a five-minute tolerance', () => {
    // Assess
    expect(SIGNATURE_HEADER).toBe('cart-recovery-signature');
    expect(SIGNATURE_TOLERANCE_SECONDS).toBe(300);
  });
});

describe('verifySignature', () => {
  it('accepts a header it signed and returns its time', () => {
    // Act
    const check = verifySignature(signatureHeader(SECRET, BODY, AT), BODY, SECRET, NOW);

    // Assess
    expect(check).toEqual({ ok: true, timestamp: AT });
  });

  it('accepts the body as bytes or text, upper-case hex and parts in any order', () => {
    // Prepare
    const v1 = mac(SECRET, BODY, AT);

    // Act
    const checks = [
      verifySignature(`t=${AT},v1=${v1}`, Buffer.from(BODY, 'utf8'), SECRET, NOW),
      verifySignature(`t=${AT},v1=${v1.toUpperCase()}`, BODY, SECRET, NOW),
      verifySignature(`v1=${v1},t=${AT}`, BODY, SECRET, NOW),
    ];

    // Assess
    expect(checks.map((c) => c.ok)).toEqual([true, true, true]);
  });

  it('accepts any of several v1 values and any of several secrets (a rotation)', () => {
    // Prepare
    const header = `t=${AT},v1=${mac(OTHER, BODY, AT)},v1=${mac(SECRET, BODY, AT)}`;

    // Act
    const withOne = verifySignature(header, BODY, SECRET, NOW);
    const withBoth = verifySignature(`t=${AT},v1=${mac(SECRET, BODY, AT)}`, BODY, [OTHER, SECRET], NOW);
    const withNeither = verifySignature(header, BODY, ['whsec_third_0123456789'], NOW);
    const withNone = verifySignature(header, BODY, [], NOW);

    // Assess
    expect([withOne.ok, withBoth.ok]).toEqual([true, true]);
    expect(withNeither).toEqual({ ok: false, reason: 'the signature does not match the body' });
    expect(withNone).toEqual({ ok: false, reason: 'the signature does not match the body' });
  });

  it('ignores parts of other schemes', () => {
    // Act
    const check = verifySignature(`t=${AT},v0=abc,v1=${mac(SECRET, BODY, AT)},x=1`, BODY, SECRET, NOW);

    // Assess
    expect(check).toEqual({ ok: true, timestamp: AT });
  });

  it('refuses a changed body, another secret or another time', () => {
    // Prepare
    const header = signatureHeader(SECRET, BODY, AT);

    // Act
    const checks = [
      verifySignature(header, `${BODY} `, SECRET, NOW),
      verifySignature(header, BODY, OTHER, NOW),
      verifySignature(`t=${AT + 1},v1=${mac(SECRET, BODY, AT)}`, BODY, SECRET, NOW),
    ];

    // Assess
    for (const check of checks) {
      expect(check).toEqual({ ok: false, reason: 'the signature does not match the body' });
    }
  });

  it('accepts a signature exactly 300 s off either way and refuses one a second further', () => {
    // Prepare
    const sign = (at: number) => signatureHeader(SECRET, BODY, at);
    const late = `the signature time is more than 300 s away from ours`;

    // Act / Assess
    expect(verifySignature(sign(AT - 300), BODY, SECRET, NOW)).toEqual({ ok: true, timestamp: AT - 300 });
    expect(verifySignature(sign(AT + 300), BODY, SECRET, NOW)).toEqual({ ok: true, timestamp: AT + 300 });
    expect(verifySignature(sign(AT - 301), BODY, SECRET, NOW)).toEqual({ ok: false, reason: late });
    expect(verifySignature(sign(AT + 301), BODY, SECRET, NOW)).toEqual({ ok: false, reason: late });
  });

  it('compares with the milliseconds of now: 300.001 s off is too far', () => {
    // Act
    const check = verifySignature(
      signatureHeader(SECRET, BODY, AT),
      BODY,
      SECRET,
      new Date(AT * 1000 + 300_001),
    );

    // Assess
    expect(check.ok).toBe(false);
  });

  it('takes a tolerance of its own and names it when refusing', () => {
    // Prepare
    const header = signatureHeader(SECRET, BODY, AT - 60);

    // Act
    const within = verifySignature(header, BODY, SECRET, NOW, 60);
    const beyond = verifySignature(header, BODY, SECRET, NOW, 59);

    // Assess
    expect(within.ok).toBe(true);
    expect(beyond).toEqual({ ok: false, reason: 'the signature time is more than 59 s away from ours' });
  });

  it('refuses when now is no time at all', () => {
    // Act
    const check = verifySignature(signatureHeader(SECRET, BODY, AT), BODY, SECRET, new Date(Number.NaN));

    // Assess
    expect(check).toEqual({ ok: false, reason: 'the signature time is more than 300 s away from ours' });
  });

  it.each([undefined, ''])('refuses a missing header (%j)', (header) => {
    // Act / Assess
    expect(verifySignature(header, BODY, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'the Cart-Recovery-Signature header is missing',
    });
  });

  it('refuses, never throws, when a header that is not text reaches it', () => {
    // Act / Assess
    expect(verifySignature(42 as unknown as string, BODY, SECRET, NOW).ok).toBe(false);
    expect(verifySignature(['t=1'] as unknown as string, BODY, SECRET, NOW).ok).toBe(false);
  });

  const v1 = mac(SECRET, BODY, AT);
  it.each([
    ['the v1 part missing', `t=${AT}`],
    ['the t part missing', `v1=${v1}`],
    ['an empty v1', `t=${AT},v1=`],
    ['an empty t', `t=,v1=${v1}`],
    ['a prefixed v1', `t=${AT},v1=sha256=${v1}`],
    ['a v1 with a suffix', `t=${AT},v1=${v1}=`],
    ['a v1 one digit over-long', `t=${AT},v1=${v1}0`],
    ['a v1 one digit short', `t=${AT},v1=${v1.slice(1)}`],
    ['a v1 of 64 non-hex characters', `t=${AT},v1=${'g'.repeat(64)}`],
    ['an over-long v1 next to a good one', `t=${AT},v1=${v1},v1=${v1}00`],
    ['a non-numeric t', `t=abc,v1=${v1}`],
    ['a t with a fraction', `t=${AT}.5,v1=${v1}`],
    ['a negative t', `t=-${AT},v1=${v1}`],
    ['a t of 13 digits', `t=1${AT}000,v1=${v1}`],
    ['a t with a suffix', `t=${AT}=1,v1=${v1}`],
    ['a t given twice', `t=${AT},t=${AT},v1=${v1}`],
    ['a bad t next to a good one', `t=${AT},t=x,v1=${v1}`],
    ['a space after the comma', `t=${AT}, v1=${v1}`],
    ['a space after the equals sign', `t= ${AT},v1=${v1}`],
    ['a space inside t', `t=${AT} ,v1=${v1}`],
    ['a space before the key', ` t=${AT},v1=${v1}`],
    ['semicolons for commas', `t=${AT};v1=${v1}`],
    ['the keys in capitals', `T=${AT},V1=${v1}`],
    ['no separators at all', `t${AT}v1${v1}`],
    ['another scheme only', 'sha256=abc'],
  ])('refuses a header with %s, as malformed', (_what, header) => {
    // Act
    const check = verifySignature(header, BODY, SECRET, NOW);

    // Assess
    expect(check).toEqual({ ok: false, reason: MALFORMED });
  });

  it('reads a t of 12 digits (times far ahead) as a number, then refuses it as too far', () => {
    // Act
    const check = verifySignature(`t=999999999999,v1=${v1}`, BODY, SECRET, NOW);

    // Assess
    expect(check).toEqual({ ok: false, reason: 'the signature time is more than 300 s away from ours' });
  });
});
