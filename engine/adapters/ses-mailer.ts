import {
  type MessageHeader,
  type MessageTag,
  type SESv2Client,
  SESv2ServiceException,
  SendEmailCommand,
} from '@aws-sdk/client-sesv2';
import { CartRecoveryError } from '../domain/errors.js';
import type { Mailer, OutgoingEmail } from '../ports.js';

/** The SES operations this adapter calls, for request counters. */
export type SesOperation = 'SendEmail';

export interface SesMailerOptions {
  client: SESv2Client;
  /** SES configuration set that routes bounce, complaint and delivery events. */
  configurationSetName?: string;
  /** Called before each request to SES (benchmarks, metrics). */
  onRequest?: (operation: SesOperation) => void;
}

/**
 * SES refused an email or could not be reached. The message names the SES error only: SES
 * messages may quote the recipient, so they stay in `cause` and never reach a log line by accident.
 */
export class MailRejectedError extends CartRecoveryError {
  /** The SES error name, e.g. `MessageRejected`, `TooManyRequestsException`. */
  readonly code: string;
  /** True when the same email may go through later (throttling, an SES-side fault). */
  readonly retryable: boolean;
  constructor(code: string, retryable: boolean, options?: { cause?: unknown }) {
    super(`SES did not accept the email (${code})`, options);
    this.name = 'MailRejectedError';
    this.code = code;
    this.retryable = retryable;
  }
}

const CHARSET = 'UTF-8';
// SES accepts tag names and values of ASCII letters, digits, `_` and `-`, at most 256 characters.
const TAG_NOT_ALLOWED = /[^A-Za-z0-9_-]/g;
const TAG_MAX = 256;
// RFC 2047: an encoded-word is at most 75 characters; `=?UTF-8?B?` + `?=` leave 63 for base64,
// that is 45 bytes of UTF-8 per word.
const ENCODED_WORD_BYTES = 45;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
// Line breaks and other controls in a display name would start a new header line.
const CONTROL = /[\p{Cc}\u2028\u2029]+/gu;

/**
 * Sends reminders through SES v2 `SendEmail` with Simple content: subject, text and HTML bodies in
 * UTF-8, the email's extra headers (List-Unsubscribe, List-Unsubscribe-Post), its Reply-To address
 * when it has one, and its tags.
 * @throws MailRejectedError when SES answers with an error.
 * @example new SesMailer({ client: new SESv2Client({}), configurationSetName: 'cart-recovery' })
 */
export class SesMailer implements Mailer {
  /** Requests made, by operation. */
  readonly requests: Record<SesOperation, number> = { SendEmail: 0 };
  readonly #client: SESv2Client;
  readonly #configurationSetName: string | undefined;
  readonly #onRequest: ((operation: SesOperation) => void) | undefined;

  constructor(options: SesMailerOptions) {
    this.#client = options.client;
    this.#configurationSetName = options.configurationSetName;
    this.#onRequest = options.onRequest;
  }

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const command = new SendEmailCommand({
      FromEmailAddress: formatFromAddress(email.fromName, email.from),
      Destination: { ToAddresses: [email.to] },
      ...(email.replyTo ? { ReplyToAddresses: [email.replyTo] } : {}),
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: CHARSET },
          Body: {
            Text: { Data: email.text, Charset: CHARSET },
            Html: { Data: email.html, Charset: CHARSET },
          },
          Headers: toHeaders(email.headers),
        },
      },
      EmailTags: toTags(email.tags),
      ConfigurationSetName: this.#configurationSetName,
    });
    this.requests.SendEmail += 1;
    this.#onRequest?.('SendEmail');
    let messageId: string | undefined;
    try {
      ({ MessageId: messageId } = await this.#client.send(command));
    } catch (error) {
      if (error instanceof SESv2ServiceException) {
        const retryable = error.$fault === 'server' || error.name === 'TooManyRequestsException';
        throw new MailRejectedError(error.name, retryable, { cause: error });
      }
      throw error;
    }
    if (!messageId) throw new MailRejectedError('MissingMessageId', true);
    return { messageId };
  }
}

/**
 * The From address with its display name: quoted (RFC 5322) when it is printable ASCII, else as
 * UTF-8 encoded-words (RFC 2047), which is what SES asks for non-ASCII names.
 * @example formatFromAddress('Acme "Outdoor" Co', 'hi@acme.example') // '"Acme \"Outdoor\" Co" <hi@acme.example>'
 */
export function formatFromAddress(name: string, address: string): string {
  const clean = name.replace(CONTROL, ' ').trim();
  if (clean === '') return address;
  if (PRINTABLE_ASCII.test(clean)) return `"${clean.replace(/["\\]/g, '\\$&')}" <${address}>`;
  return `${encodedWords(clean)} <${address}>`;
}

function encodedWords(text: string): string {
  const words: string[] = [];
  let chunk = '';
  let bytes = 0;
  // Split between code points so no word ends inside a multi-byte character.
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > ENCODED_WORD_BYTES) {
      words.push(chunk);
      chunk = '';
      bytes = 0;
    }
    chunk += char;
    bytes += size;
  }
  if (chunk) words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join(' ');
}

function toHeaders(headers: Record<string, string>): MessageHeader[] | undefined {
  const list = Object.entries(headers).map(([Name, Value]) => ({
    Name,
    Value: Value.replace(CONTROL, ' '),
  }));
  return list.length > 0 ? list : undefined;
}

/** Email tags with names and values cut down to what SES accepts; tags left empty are dropped. */
export function toTags(tags: Record<string, string>): MessageTag[] | undefined {
  const list: MessageTag[] = [];
  for (const [name, value] of Object.entries(tags)) {
    const Name = sanitizeTag(name);
    const Value = sanitizeTag(value);
    if (Name && Value) list.push({ Name, Value });
  }
  return list.length > 0 ? list : undefined;
}

function sanitizeTag(text: string): string {
  return text.replace(TAG_NOT_ALLOWED, '_').slice(0, TAG_MAX);
}
