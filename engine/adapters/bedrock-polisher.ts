import {
  type BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { LANGUAGE_NAMES } from '../domain/copy/catalogue.js';
import { CartRecoveryError } from '../domain/errors.js';
import type { Polisher, PolishRequest } from '../ports.js';
import type { PolishCache } from './dynamodb-polish-cache.js';

/** The Bedrock operations this adapter calls, for request counters. */
export type BedrockOperation = 'Converse';

export interface BedrockPolisherOptions {
  client: BedrockRuntimeClient;
  /** A Converse model or inference profile id. */
  modelId?: string;
  /** The request is aborted after this long. */
  timeoutMs?: number;
  /** Decides the UTC day of the cache and when a remembered failure expires. */
  clock?: () => Date;
  /** Called before each request to Bedrock (benchmarks, metrics). */
  onRequest?: (operation: BedrockOperation) => void;
  /** How long a failure is remembered before Bedrock is asked again. Default 5 minutes. */
  failureTtlMs?: number;
  /** Polished lines kept in memory, least recently used dropped first. Default 500. */
  maxEntries?: number;
  /**
   * A durable cache shared by every instance (a DynamoDB item per variant and day): read before
   * asking Bedrock, written after. Its failures never fail a polish: the line is then asked for.
   */
  durableCache?: PolishCache;
}

/** Why a line could not be polished. */
export type PolishFailure =
  | 'timeout'
  /** Bedrock failed recently (throttled, down, denied): not asked again until the back-off ends. */
  | 'backing_off'
  /** Bedrock refused this line (validation, a content filter) recently. */
  | 'refused'
  | 'unavailable'
  | 'no_text';

/** Bedrock gave no usable line. Callers fall back to the deterministic line (see `polishLine`). */
export class PolishFailedError extends CartRecoveryError {
  readonly reason: PolishFailure;
  constructor(reason: PolishFailure, options?: { cause?: unknown }) {
    super(`The line could not be polished (${reason})`, options);
    this.name = 'PolishFailedError';
    this.reason = reason;
  }
}

export const DEFAULT_POLISH_MODEL_ID = 'global.anthropic.claude-haiku-4-5-20251001-v1:0';
const DEFAULT_TIMEOUT_MS = 1500;
const DEFAULT_FAILURE_TTL_MS = 5 * 60_000;
const DEFAULT_MAX_ENTRIES = 500;
// One line of at most 240 characters (polishLine's limit) is well under 120 tokens.
const MAX_TOKENS = 120;
const TEMPERATURE = 0.2;
const MAX_PROMPT_FIELD = 200;
const GOOD_STOPS = new Set(['end_turn', 'stop_sequence']);
// Errors about this one request; anything else (throttling, 5xx, network, access) is Bedrock's state.
const REQUEST_ERRORS = new Set(['ValidationException']);
const WRAPPING_QUOTES = /^(["“”'‘’«»])(.*)(["“”'‘’«»])$/su;

type CacheEntry = { ok: true; line: string } | { ok: false; until: number; error: PolishFailedError };

/**
 * Rewrites the reminder's line into the store's voice with a small model over Bedrock Converse.
 *
 * Each variant (line, tone, language, voice, store, rules version) is asked for at most once per UTC
 * day: answers are kept in memory (bounded, least recently used dropped) and, with `durableCache`,
 * in DynamoDB, so a cold instance reads the day's line instead of asking again. A failure is remembered
 * for `failureTtlMs` so a failing Bedrock is not asked on every reminder: a refusal of one line for
 * that line, any other failure (throttling, timeouts, 5xx) for every line.
 * @throws PolishFailedError when no line came back; `polishLine` then uses the default line.
 */
export class BedrockPolisher implements Polisher {
  /** Requests made, by operation. */
  readonly requests: Record<BedrockOperation, number> = { Converse: 0 };
  readonly #client: BedrockRuntimeClient;
  readonly #modelId: string;
  readonly #timeoutMs: number;
  readonly #clock: () => Date;
  readonly #onRequest: ((operation: BedrockOperation) => void) | undefined;
  readonly #failureTtlMs: number;
  readonly #maxEntries: number;
  readonly #durable: PolishCache | undefined;
  readonly #cache = new Map<string, CacheEntry>();
  readonly #inFlight = new Map<string, Promise<string>>();
  #backOff: { until: number; error: PolishFailedError } | undefined;

  constructor(options: BedrockPolisherOptions) {
    this.#client = options.client;
    this.#modelId = options.modelId ?? DEFAULT_POLISH_MODEL_ID;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#clock = options.clock ?? (() => new Date());
    this.#onRequest = options.onRequest;
    this.#failureTtlMs = options.failureTtlMs ?? DEFAULT_FAILURE_TTL_MS;
    this.#maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_ENTRIES);
    this.#durable = options.durableCache;
  }

  async polish(request: PolishRequest): Promise<string> {
    const now = this.#clock();
    const key = cacheKey(request, now);
    const cached = this.#cache.get(key);
    if (cached?.ok) {
      this.#remember(key, cached);
      return cached.line;
    }
    if (cached && cached.until > now.getTime()) throw cached.error;
    if (this.#backOff && this.#backOff.until > now.getTime()) throw this.#backOff.error;
    const pending = this.#inFlight.get(key);
    if (pending) return pending;

    const asking = this.#askOnce(key, request, now).then(
      (line) => {
        this.#backOff = undefined;
        this.#remember(key, { ok: true, line });
        return line;
      },
      (cause: unknown) => {
        const { error, perLine } = classify(cause);
        const until = this.#clock().getTime() + this.#failureTtlMs;
        if (perLine) this.#remember(key, { ok: false, until, error });
        else this.#backOff = { until, error: new PolishFailedError('backing_off', { cause: error }) };
        throw error;
      },
    );
    this.#inFlight.set(key, asking);
    try {
      return await asking;
    } finally {
      this.#inFlight.delete(key);
    }
  }

  /** The day's line from the durable cache, else from Bedrock (then kept there until the day after). */
  async #askOnce(key: string, request: PolishRequest, now: Date): Promise<string> {
    if (this.#durable) {
      const stored = await this.#durable.get(key).catch(() => undefined);
      if (stored !== undefined) return stored;
    }
    const line = await this.#ask(request);
    if (this.#durable) {
      const dayEnd = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 2) / 1000;
      await this.#durable.put(key, line, dayEnd).catch(() => undefined);
    }
    return line;
  }

  async #ask(request: PolishRequest): Promise<string> {
    this.requests.Converse += 1;
    this.#onRequest?.('Converse');
    const output: ConverseCommandOutput = await this.#client.send(
      new ConverseCommand({
        modelId: this.#modelId,
        system: [{ text: systemPrompt(request) }],
        messages: [{ role: 'user', content: [{ text: request.line }] }],
        inferenceConfig: { maxTokens: MAX_TOKENS, temperature: TEMPERATURE },
      }),
      { abortSignal: AbortSignal.timeout(this.#timeoutMs) },
    );
    // A line cut at maxTokens or replaced by a filter is not the line we asked for.
    if (!output.stopReason || !GOOD_STOPS.has(output.stopReason)) throw new PolishFailedError('refused');
    const text = (output.output?.message?.content ?? [])
      .map((block) => block.text ?? '')
      .join('')
      .trim();
    const line = text.replace(WRAPPING_QUOTES, '$2').trim();
    if (line === '') throw new PolishFailedError('no_text');
    return line;
  }

  #remember(key: string, entry: CacheEntry): void {
    this.#cache.delete(key);
    this.#cache.set(key, entry);
    while (this.#cache.size > this.#maxEntries) {
      const oldest = this.#cache.keys().next();
      if (oldest.done) break;
      this.#cache.delete(oldest.value);
    }
  }
}

function classify(cause: unknown): { error: PolishFailedError; perLine: boolean } {
  if (cause instanceof PolishFailedError) return { error: cause, perLine: true };
  const name = cause instanceof Error ? cause.name : '';
  if (REQUEST_ERRORS.has(name)) return { error: new PolishFailedError('refused', { cause }), perLine: true };
  if (name === 'AbortError' || name === 'TimeoutError') {
    return { error: new PolishFailedError('timeout', { cause }), perLine: false };
  }
  return { error: new PolishFailedError('unavailable', { cause }), perLine: false };
}

function cacheKey(request: PolishRequest, now: Date): string {
  const day = now.toISOString().slice(0, 10);
  return JSON.stringify([
    request.line,
    request.tone,
    request.language,
    request.voice,
    request.storeName,
    request.rulesVersion,
    day,
  ]);
}

// The store name and voice come from the owner's rules doc: one line each, kept short.
function promptField(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, MAX_PROMPT_FIELD);
}

/** The system prompt for one line: voice, store, tone and language first, then the limits. */
export function systemPrompt(request: PolishRequest): string {
  const tone =
    request.tone === 'first'
      ? 'This is the first, light reminder: friendly and brief.'
      : 'This is the second and last reminder: a little warmer, still without pressure.';
  return [
    `You rewrite one line of an abandoned-cart reminder email from the store "${promptField(request.storeName)}".`,
    `Write it in the store's voice: ${promptField(request.voice) || 'warm, plain'}.`,
    tone,
    `Write in ${LANGUAGE_NAMES[request.language] ?? 'English'} (language code ${promptField(request.language)}), as a native copywriter would, and keep the line in that language.`,
    'Keep the meaning. Keep every placeholder in curly braces, such as {items}, exactly as written: it is filled in later.',
    '{items} becomes item names of any kind and grammar ("Wool scarf and 2 more items"): keep it where a list fits, such as after a colon, never after an article.',
    'Do not add prices, discounts, offers, URLs, email addresses or promises (stock, shipping, deadlines).',
    'Reply with the rewritten line only: one or two short sentences, at most 200 characters, no quotes, no markup, no line breaks.',
  ].join('\n');
}
