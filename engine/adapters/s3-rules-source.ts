import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CartRecoveryError, RulesValidationError } from '../domain/errors.js';
import { parseRules, type Rules } from '../domain/rules.js';
import type { Logger, RulesSource, RulesVersion } from '../ports.js';

/** The S3 operations this adapter calls, for request counters. */
export type S3RulesOperation = 'GetObject';

/**
 * Where the engine reads its rules: the validated rules doc as JSON, so no function carries a YAML
 * parser. `publishRules` writes it beside the YAML doc people read (DEFAULT_RULES_YAML_KEY).
 */
export const DEFAULT_RULES_KEY = 'rules/current.json';
/** The same rules as YAML, for people (and the rules sync's comparison); the engine never reads it. */
export const DEFAULT_RULES_YAML_KEY = 'rules/current.yaml';
const DEFAULT_TTL_MS = 60_000;

export interface S3RulesSourceOptions {
  client: S3Client;
  bucket: string;
  key?: string;
  log?: Logger;
  /** Called before each request to S3 (benchmarks, metrics). */
  onRequest?: (operation: S3RulesOperation) => void;
  /** Rules are served from memory this long before S3 is asked (conditionally) again. Default 60 s. */
  ttlMs?: number;
  clock?: () => Date;
}

/** The rules doc could not be read from S3 and there were no good rules to keep serving. */
export class RulesUnavailableError extends CartRecoveryError {
  constructor(options?: { cause?: unknown }) {
    super('The rules doc could not be read from S3', options);
    this.name = 'RulesUnavailableError';
  }
}

interface GoodRules extends RulesVersion {
  /** The ETag as S3 sent it (quoted), for If-None-Match. */
  etag: string | undefined;
}

/**
 * The owner's rules from one S3 object (the JSON doc `publishRules` writes), kept in memory for `ttlMs`, then re-checked with a
 * conditional GET (If-None-Match) so an unchanged doc costs a 304 and no parsing.
 *
 * An invalid doc never replaces good rules: the error is logged and the last good rules are served
 * until a valid doc appears. Without good rules yet, `current()` throws.
 * @example new S3RulesSource({ client: new S3Client({}), bucket: 'cart-recovery-rules', log })
 */
export class S3RulesSource implements RulesSource {
  /** Requests made, by operation. */
  readonly requests: Record<S3RulesOperation, number> = { GetObject: 0 };
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #key: string;
  readonly #log: Logger | undefined;
  readonly #onRequest: ((operation: S3RulesOperation) => void) | undefined;
  readonly #ttlMs: number;
  readonly #clock: () => Date;
  #good: GoodRules | undefined;
  /** The ETag of the last doc read, good or not: an unchanged bad doc is not read (or logged) again. */
  #seenEtag: string | undefined;
  #checkedAt = Number.NEGATIVE_INFINITY;
  #refreshing: Promise<RulesVersion> | undefined;

  constructor(options: S3RulesSourceOptions) {
    this.#client = options.client;
    this.#bucket = options.bucket;
    this.#key = options.key ?? DEFAULT_RULES_KEY;
    this.#log = options.log;
    this.#onRequest = options.onRequest;
    this.#ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.#clock = options.clock ?? (() => new Date());
  }

  /**
   * The current rules and their version: the S3 VersionId where the bucket keeps versions, else
   * the ETag without its quotes.
   * @throws RulesValidationError when the doc is invalid and no good rules were read before.
   * @throws RulesUnavailableError when S3 cannot be read and no good rules were read before.
   */
  async current(): Promise<RulesVersion> {
    const good = this.#good;
    if (good && this.#clock().getTime() - this.#checkedAt < this.#ttlMs) return view(good);
    // Concurrent invocations share one request.
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #refresh(): Promise<RulesVersion> {
    const good = this.#good;
    this.requests.GetObject += 1;
    this.#onRequest?.('GetObject');
    let text: string;
    let etag: string | undefined;
    let versionId: string | undefined;
    try {
      const object = await this.#client.send(
        new GetObjectCommand({
          Bucket: this.#bucket,
          Key: this.#key,
          IfNoneMatch: good ? this.#seenEtag : undefined,
        }),
      );
      text = (await object.Body?.transformToString('utf-8')) ?? '';
      etag = object.ETag;
      versionId = object.VersionId;
    } catch (error) {
      if (good && isNotModified(error)) {
        this.#checkedAt = this.#clock().getTime();
        return view(good);
      }
      if (good) {
        // Serve what we have and ask again after the TTL rather than on every invocation.
        this.#checkedAt = this.#clock().getTime();
        this.#log?.error('rules doc could not be read; keeping the last good rules', {
          ...this.#where(),
          version: good.version,
          error: errorName(error),
        });
        return view(good);
      }
      throw new RulesUnavailableError({ cause: error });
    }

    let rules: Rules;
    try {
      rules = parseRulesJson(text);
    } catch (error) {
      if (!(error instanceof RulesValidationError)) throw error;
      if (!good) throw error;
      this.#seenEtag = etag;
      this.#checkedAt = this.#clock().getTime();
      this.#log?.error('rules doc is invalid; keeping the last good rules', {
        ...this.#where(),
        version: good.version,
        invalidVersion: versionOf(versionId, etag),
        errors: error.errors,
      });
      return view(good);
    }
    const next: GoodRules = { rules, version: versionOf(versionId, etag), etag };
    if (good?.version !== next.version) {
      this.#log?.info('rules loaded', { ...this.#where(), version: next.version });
    }
    this.#good = next;
    this.#seenEtag = etag;
    this.#checkedAt = this.#clock().getTime();
    return view(next);
  }

  #where() {
    return { bucket: this.#bucket, key: this.#key };
  }
}

/**
 * The rules as the JSON object the engine reads: keys sorted at every level, so the same rules
 * always give the same bytes (the rules sync compares them to write only what changed).
 */
export function rulesJson(rules: Rules): string {
  return `${JSON.stringify(sortedKeys(rules), null, 2)}\n`;
}

/**
 * Parses and validates the JSON rules doc with the engine's schema (`parseRules`).
 * @throws RulesValidationError when it is not JSON or not valid rules.
 */
export function parseRulesJson(text: string): Rules {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : 'not valid JSON';
    throw new RulesValidationError([{ path: '(root)', message: `is not valid JSON: ${message}` }], { cause });
  }
  return parseRules(doc);
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]),
  );
}

function view(good: GoodRules): RulesVersion {
  return { rules: good.rules, version: good.version };
}

/**
 * The version S3RulesSource reports for an object: its VersionId where the bucket keeps versions,
 * else its ETag without quotes.
 */
export function versionOf(versionId: string | undefined, etag: string | undefined): string {
  // "null" is the VersionId of objects written before versioning was turned on.
  if (versionId && versionId !== 'null') return versionId;
  return (etag ?? '').replace(/^(W\/)?"|"$/g, '') || 'unknown';
}

function isNotModified(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, $metadata } = error as { name?: unknown; $metadata?: { httpStatusCode?: number } };
  return name === 'NotModified' || $metadata?.httpStatusCode === 304;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown error';
}
