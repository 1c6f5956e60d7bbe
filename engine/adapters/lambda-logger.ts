import type { Logger } from '../ports.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

type EntryLevel = Exclude<LogLevel, 'silent'>;

/** pino's level numbers: an entry is written when its number reaches the logger's level. */
const LEVEL_NUMBERS: Record<LogLevel, number> = {
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  silent: Number.POSITIVE_INFINITY,
};

/** pino's `depthLimit` default: deeper objects become "[Object]" when a value needs the safe path. */
const MAX_SAFE_DEPTH = 5;

export interface LambdaLoggerOptions {
  level?: LogLevel;
  /** The function's name, written as `svc` on every line (pino's base field in pino-logger.ts). */
  name?: string;
  /** Where each line goes, in one call per entry. Default: `process.stdout.write`. */
  write?: (line: string) => void;
}

/**
 * The `Logger` port for Lambda, without pino: the same JSON lines `createLogger` (pino-logger.ts)
 * writes to stdout, in the same field order (`level` as a name, ISO `time`, `svc`, the data, then
 * `msg`), with the same level filtering and pino's value rules (undefined and functions left out,
 * non-finite numbers as null, `err` serialized as pino's `stdSerializers.err`, circular references as
 * "[Circular]"), one `write` per entry. Lambda sends stdout lines to CloudWatch as they are; the
 * parity test in test/engine/adapters/lambda-logger.test.ts runs both loggers over the same calls.
 * @example createLambdaLogger({ level: 'info', name: process.env.AWS_LAMBDA_FUNCTION_NAME })
 */
export function createLambdaLogger(options: LambdaLoggerOptions = {}): Logger {
  const threshold = LEVEL_NUMBERS[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => void process.stdout.write(line));
  const base = options.name ? `,"svc":${JSON.stringify(options.name)}` : '';
  const at =
    (level: EntryLevel) =>
    (message: string, data?: Record<string, unknown>): void => {
      if (LEVEL_NUMBERS[level] < threshold) return;
      const time = new Date().toISOString();
      write(`{"level":"${level}","time":"${time}"${base}${fields(data)},"msg":${JSON.stringify(message)}}\n`);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function fields(data: Record<string, unknown> | undefined): string {
  let out = '';
  for (const key in data) {
    if (!Object.hasOwn(data, key)) continue;
    const raw = data[key];
    if (raw === undefined) continue;
    const json = valueJson(key === 'err' ? serializeError(raw) : raw);
    if (json !== undefined) out += `,${JSON.stringify(key)}:${json}`;
  }
  return out;
}

function valueJson(value: unknown): string | undefined {
  switch (typeof value) {
    case 'undefined':
    case 'function':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return String(value);
    case 'string':
      return JSON.stringify(value);
    default:
      try {
        return JSON.stringify(value);
      } catch {
        // What pino falls back to (safe-stable-stringify) for circular references and BigInts.
        return safeJson(value, '', []);
      }
  }
}

/** safe-stable-stringify as pino configures it: sorted keys, "[Circular]", BigInts as numbers. */
function safeJson(input: unknown, key: string, stack: object[]): string | undefined {
  let value = input;
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    value = (value as { toJSON(key: string): unknown }).toJSON(key);
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object': {
      if (value === null) return 'null';
      if (stack.includes(value)) return '"[Circular]"';
      if (stack.length >= MAX_SAFE_DEPTH) return Array.isArray(value) ? '"[Array]"' : '"[Object]"';
      stack.push(value);
      let out: string;
      if (Array.isArray(value)) {
        out = `[${value.map((item, i) => safeJson(item, String(i), stack) ?? 'null').join(',')}]`;
      } else {
        const record = value as Record<string, unknown>;
        const parts: string[] = [];
        for (const k of Object.keys(record).sort()) {
          const json = safeJson(record[k], k, stack);
          if (json !== undefined) parts.push(`${JSON.stringify(k)}:${json}`);
        }
        out = `{${parts.join(',')}}`;
      }
      stack.pop();
      return out;
    }
    default:
      return undefined;
  }
}

interface ErrorLike {
  message: string;
  stack?: unknown;
  cause?: unknown;
  errors?: unknown;
  constructor?: unknown;
  name?: unknown;
}

function isErrorLike(value: unknown): value is ErrorLike {
  return Boolean(value) && typeof (value as { message?: unknown }).message === 'string';
}

function causeOf(error: ErrorLike): ErrorLike | undefined {
  const cause = typeof error.cause === 'function' ? (error.cause as () => unknown)() : error.cause;
  return isErrorLike(cause) ? cause : undefined;
}

function messageWithCauses(error: ErrorLike, seen: Set<ErrorLike>, skip = false): string {
  const message = skip ? '' : error.message || '';
  if (seen.has(error)) return `${message}: ...`;
  const cause = causeOf(error);
  if (!cause) return message;
  seen.add(error);
  const vErrorStyle = typeof error.cause === 'function';
  return message + (vErrorStyle ? '' : ': ') + messageWithCauses(cause, seen, vErrorStyle);
}

function stackWithCauses(error: ErrorLike, seen: Set<ErrorLike>): string {
  const stack = typeof error.stack === 'string' ? error.stack : '';
  if (seen.has(error)) return `${stack}\ncauses have become circular...`;
  const cause = causeOf(error);
  if (!cause) return stack;
  seen.add(error);
  return `${stack}\ncaused by: ${stackWithCauses(cause, seen)}`;
}

/** pino's `stdSerializers.err` (pino-std-serializers), which pino applies to the `err` field. */
function serializeError(value: unknown, serializing: Set<unknown> = new Set()): unknown {
  if (!isErrorLike(value)) return value;
  serializing.add(value);
  const out: Record<string, unknown> = {
    type: typeof value.constructor === 'function' ? value.constructor.name : value.name,
    message: messageWithCauses(value, new Set()),
    stack: stackWithCauses(value, new Set()),
  };
  if (Array.isArray(value.errors)) {
    out.aggregateErrors = value.errors.map((inner) => serializeError(inner, serializing));
  }
  for (const key in value) {
    if (out[key] !== undefined) continue;
    const inner = (value as unknown as Record<string, unknown>)[key];
    if (!isErrorLike(inner)) out[key] = inner;
    else if (key !== 'cause' && !serializing.has(inner)) out[key] = serializeError(inner, serializing);
  }
  serializing.delete(value);
  return out;
}
