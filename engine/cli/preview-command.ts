import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeOutboxFiles } from '../adapters/eml-outbox.js';
import { TemplatePolisher } from '../adapters/memory/template-polisher.js';
import { createLogger } from '../adapters/pino-logger.js';
import type { ReminderNumber } from '../domain/cart.js';
import { createClickTokenSealer } from '../domain/click-token.js';
import { LANGUAGES } from '../domain/copy/catalogue.js';
import { languageOf } from '../domain/copy/language.js';
import { ValidationError } from '../domain/errors.js';
import { parseRulesYaml } from '../domain/rules-yaml.js';
import { cartFromEvent, sampleCartEvent } from '../domain/sample-cart.js';
import { createTokenSealer } from '../domain/unsubscribe-token.js';
import { composeEmail } from '../use-cases/compose-email.js';
import { parseCommandArgs, UsageError } from './arguments.js';

export const PREVIEW_USAGE = `Usage:
  cart-recovery preview --rules FILE.yaml [--locale de] [--n 1|2] [--cart FILE.json] [--at ISO] --out DIR

Writes reminder N (both when --n is left out) exactly as the sender composes it, as DIR/reminder-N.html,
DIR/reminder-N.txt and DIR/reminder-N.eml. --cart takes a cart.updated webhook body (or just its
"cart" object); without it, a sample cart in the store's currency. --locale sets the shopper's locale
(${LANGUAGES.join(', ')}, or a tag such as de-AT). --at is the moment of sending (default: now),
which decides whether the discount has expired. The personal line is the deterministic one: in
production a model may reword it, and the unsubscribe link points at example.invalid.`;

/** Where the preview's unsubscribe links point: a reserved name that never resolves (RFC 6761). */
const PREVIEW_UNSUBSCRIBE_BASE = 'https://unsubscribe.example.invalid/u';
/** The click redirect's stand-in: the return button goes through it as in a sent reminder. */
const PREVIEW_CLICK_BASE = 'https://unsubscribe.example.invalid/r';

/** `cart-recovery preview …`: returns the exit code. */
export async function previewCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('preview', argv, {
    rules: { type: 'string' },
    locale: { type: 'string' },
    n: { type: 'string' },
    cart: { type: 'string' },
    at: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    console.log(PREVIEW_USAGE);
    return 0;
  }
  if (!values.rules) throw new UsageError('preview: give the rules file (--rules FILE.yaml)');
  if (!values.out) throw new UsageError('preview: give the folder to write to (--out DIR)');
  const numbers = reminderNumbers(values.n);
  const now = values.at === undefined ? new Date() : new Date(values.at);
  if (Number.isNaN(now.getTime())) throw new UsageError(`--at must be an ISO-8601 time, got "${values.at}"`);
  if (values.locale !== undefined && !languageOf(values.locale))
    throw new UsageError(
      `--locale must be one of ${LANGUAGES.join(', ')} or a tag of one such as de-AT, got "${values.locale}"`,
    );

  const rules = parseRulesYaml(await readText(values.rules, 'rules file'));
  const event = values.cart
    ? withLocale(await readJson(values.cart), values.locale)
    : sampleCartEvent(rules, now, values.locale);
  const made = cartFromEvent(event, now);
  if (!made.ok) throw new ValidationError(`The cart in ${values.cart}`, made.errors);

  const key = randomBytes(32).toString('base64url');
  const deps = {
    polisher: new TemplatePolisher(),
    log: createLogger({ level: 'error', to: 'stderr', name: 'preview' }),
    // A throwaway key: the preview's links are never opened.
    links: {
      baseUrl: PREVIEW_UNSUBSCRIBE_BASE,
      tokens: createTokenSealer(key),
      clickBaseUrl: PREVIEW_CLICK_BASE,
      clicks: createClickTokenSealer(key),
    },
  };
  try {
    await mkdir(values.out, { recursive: true });
  } catch (cause) {
    throw new UsageError(`--out ${values.out} is not a folder that can be written: ${reason(cause)}`);
  }
  for (const n of numbers) {
    const { email } = await composeEmail(deps, { cart: made.cart, n, rules, rulesVersion: 'preview', now });
    const name = `reminder-${n}`;
    const paths = await writeOutboxFiles(values.out, name, email);
    const text = join(values.out, `${name}.txt`);
    await writeFile(text, email.text, 'utf8');
    console.log(`reminder ${n}: "${email.subject}"`);
    console.log(`  ${paths.html}\n  ${text}\n  ${paths.eml}`);
  }
  return 0;
}

function reminderNumbers(n: string | undefined): ReminderNumber[] {
  if (n === undefined) return [1, 2];
  if (n === '1' || n === '2') return [Number(n) as ReminderNumber];
  throw new UsageError(`--n must be 1 or 2, got "${n}"`);
}

/** A webhook body, or just its cart (then wrapped as a cart.updated event), with --locale applied. */
function withLocale(json: unknown, locale: string | undefined): unknown {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return json;
  const body = json as Record<string, unknown>;
  const event =
    'cart' in body
      ? body
      : { id: 'preview-event', type: 'cart.updated', occurredAt: new Date().toISOString(), cart: body };
  if (!locale) return event;
  return { ...event, cart: { ...(event.cart as Record<string, unknown>), locale } };
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new UsageError(`cannot read the ${what} ${path}: ${reason(cause)}`);
  }
}

async function readJson(path: string): Promise<unknown> {
  const text = await readText(path, 'cart file');
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new UsageError(`the cart file ${path} is not JSON: ${reason(cause)}`);
  }
}

function reason(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
