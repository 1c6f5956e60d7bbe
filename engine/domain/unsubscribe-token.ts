import { createCipheriv, createDecipheriv, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { CART_EVENT_LIMITS } from './cart-event-limits.js';
import { InvalidUnsubscribeTokenError } from './errors.js';

/** What an unsubscribe token carries: whose reminders to stop, from which cart's email. */
export interface UnsubscribePayload {
  emailKey: string;
  cartId: string;
}

const VERSION = 1;
const VERSION_BYTE = Buffer.from([VERSION]);
const HKDF_INFO = 'cart-recovery/unsubscribe-token/v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES;
const LENGTH_BYTES = 2;
const MAX_EMAIL_BYTES = 0xffff;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Characters of the token sealed for an email key and a cart id of these UTF-8 byte lengths: the
 * version byte, IV, length prefix, both texts and the tag, in unpadded base64url.
 */
export function unsubscribeTokenLength(emailBytes: number, cartIdBytes: number): number {
  const sealedBytes = HEADER_BYTES + LENGTH_BYTES + emailBytes + cartIdBytes + TAG_BYTES;
  return Math.ceil((sealedBytes * 4) / 3);
}

/**
 * Characters of the longest token a cart event can lead to (647): the longest email (ASCII, as the
 * schema's address pattern allows, so one byte a character) and the longest cart id in bytes.
 */
export const MAX_UNSUBSCRIBE_TOKEN_LENGTH = unsubscribeTokenLength(
  CART_EVENT_LIMITS.emailLength,
  CART_EVENT_LIMITS.cartIdLength,
);

interface DerivedKeys {
  encryption: Buffer;
  mac: Buffer;
}

function derive(secret: string, info: string): DerivedKeys {
  if (secret.length === 0) throw new RangeError('the unsubscribe token key must not be empty');
  const okm = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), info, 64));
  return { encryption: okm.subarray(0, 32), mac: okm.subarray(32, 64) };
}

// A synthetic IV (as in AES-SIV, RFC 5297): derived from the plaintext, so sealing is deterministic
// and an IV is only ever reused for the very same plaintext, which GCM tolerates.
function syntheticIv(mac: Buffer, plaintext: Buffer): Buffer {
  return createHmac('sha256', mac).update(VERSION_BYTE).update(plaintext).digest().subarray(0, IV_BYTES);
}

function encodePayload(payload: UnsubscribePayload): Buffer {
  // Stryker disable next-line StringLiteral: equivalent, Buffer.from reads an empty encoding as utf8
  const email = Buffer.from(payload.emailKey, 'utf8');
  if (email.length > MAX_EMAIL_BYTES)
    throw new RangeError('the email key is too long for an unsubscribe token');
  // Stryker disable next-line StringLiteral: equivalent, Buffer.from reads an empty encoding as utf8
  const cart = Buffer.from(payload.cartId, 'utf8');
  const out = Buffer.allocUnsafe(LENGTH_BYTES + email.length + cart.length);
  out.writeUInt16BE(email.length, 0);
  email.copy(out, LENGTH_BYTES);
  cart.copy(out, LENGTH_BYTES + email.length);
  return out;
}

function decodePayload(plaintext: Buffer): UnsubscribePayload | undefined {
  if (plaintext.length < LENGTH_BYTES) return undefined;
  const emailEnd = LENGTH_BYTES + plaintext.readUInt16BE(0);
  if (emailEnd > plaintext.length) return undefined;
  return {
    emailKey: plaintext.toString('utf8', LENGTH_BYTES, emailEnd),
    cartId: plaintext.toString('utf8', emailEnd),
  };
}

/** Seals and opens unsubscribe tokens under one secret; see {@link createTokenSealer}. */
export interface TokenSealer {
  /**
   * Seals who to unsubscribe into an opaque, URL-safe token for a one-click unsubscribe link.
   * @throws RangeError when the email key is over 65,535 UTF-8 bytes.
   */
  seal(payload: UnsubscribePayload): string;
  /**
   * Opens a token sealed under the same secret.
   * @throws InvalidUnsubscribeTokenError when the token was changed, cut short, sealed with another
   * secret, has an unknown version or is not a token at all.
   */
  open(token: string): UnsubscribePayload;
}

/**
 * Unsubscribe tokens under `secret`: AES-256-GCM under keys derived from it by HKDF-SHA256, so a token
 * reveals nothing of the email or cart and cannot be forged or changed without the secret. The same
 * payload and secret always give the same token, so simulator runs are reproducible; about 125
 * characters for a typical email and a UUID cart id. The keys are derived once, here, and live only
 * in the sealer: keep it with the secret (one per process and secret), not in module state.
 * @throws RangeError when `secret` is empty.
 * @example
 * const tokens = createTokenSealer(secret);
 * const url = `https://unsubscribe.example/u/${tokens.seal({ emailKey: 'ann@example.com', cartId: 'c-42' })}`;
 */
export function createTokenSealer(secret: string): TokenSealer {
  const box = createSealedBox(secret, HKDF_INFO);
  return {
    seal: (payload) => box.seal(encodePayload(payload)),
    open: (token) => {
      const payload = decodePayload(box.open(token));
      if (!payload) throw new InvalidUnsubscribeTokenError();
      return payload;
    },
  };
}

/**
 * Seals bytes into URL-safe tokens and opens them, under keys derived from `secret` for one purpose:
 * `info` keeps the keys of two kinds of token apart, so a token of one kind never opens as another.
 * The scheme of the unsubscribe tokens (AES-256-GCM, synthetic IV, canonical base64url).
 */
export interface SealedBox {
  seal(plaintext: Buffer): string;
  /** @throws InvalidUnsubscribeTokenError when the token was not sealed by this box, unchanged. */
  open(token: string): Buffer;
}

/** A {@link SealedBox} under `secret` for the purpose `info`; keep it with the secret, as a sealer. */
export function createSealedBox(secret: string, info: string): SealedBox {
  const keys = derive(secret, info);
  return { seal: (plaintext) => seal(keys, plaintext), open: (token) => open(keys, token) };
}

/** One token sealed under `key`: {@link createTokenSealer}`(key).seal(payload)`, for a one-off. */
export function sealUnsubscribeToken(key: string, payload: UnsubscribePayload): string {
  return createTokenSealer(key).seal(payload);
}

/** One token opened with `key`: {@link createTokenSealer}`(key).open(token)`, for a one-off. */
export function openUnsubscribeToken(key: string, token: string): UnsubscribePayload {
  return createTokenSealer(key).open(token);
}

function seal(keys: DerivedKeys, plaintext: Buffer): string {
  const iv = syntheticIv(keys.mac, plaintext);
  // Stryker disable next-line ObjectLiteral: equivalent, 16 bytes is GCM's default tag length in Node
  const cipher = createCipheriv('aes-256-gcm', keys.encryption, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(VERSION_BYTE);
  const sealed = Buffer.concat([
    VERSION_BYTE,
    iv,
    cipher.update(plaintext),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  return sealed.toString('base64url');
}

function open(keys: DerivedKeys, token: string): Buffer {
  // Stryker disable next-line ConditionalExpression: equivalent, the canonical re-encoding check below refuses every character outside base64url too
  if (!BASE64URL.test(token)) throw new InvalidUnsubscribeTokenError();
  const sealed = Buffer.from(token, 'base64url');
  // Base64 decoding ignores the spare low bits of the last character: insist on the one canonical
  // spelling so that no changed character opens to the same bytes.
  if (
    // Stryker disable next-line EqualityOperator: equivalent, a token of exactly header and tag holds an empty payload, refused as too short for an email length either way
    sealed.length < HEADER_BYTES + TAG_BYTES ||
    sealed.toString('base64url') !== token ||
    sealed[0] !== VERSION
  ) {
    throw new InvalidUnsubscribeTokenError();
  }
  const iv = sealed.subarray(1, HEADER_BYTES);
  let plaintext: Buffer;
  try {
    // Stryker disable next-line ObjectLiteral: equivalent, the tag given is always the last 16 bytes
    const decipher = createDecipheriv('aes-256-gcm', keys.encryption, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(sealed.subarray(0, 1));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    plaintext = Buffer.concat([
      decipher.update(sealed.subarray(HEADER_BYTES, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch (cause) {
    throw new InvalidUnsubscribeTokenError({ cause });
  }
  if (!timingSafeEqual(iv, syntheticIv(keys.mac, plaintext))) throw new InvalidUnsubscribeTokenError();
  return plaintext;
}
