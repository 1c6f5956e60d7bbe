import type { Rules } from '#engine/domain/rules.js';
import { runSimulation, type SimOutput } from '#engine/simulation/run-simulation.js';
import type { ScenarioInput, ScenarioLine } from '#engine/simulation/scenario-line.js';
import checkedOutFixture from '#test/events/storefront/cart-checked-out.json' with { type: 'json' };
import updatedFixture from '#test/events/storefront/cart-updated.json' with { type: 'json' };

type Json = Record<string, unknown>;

/**
 * Snapshot fields to change, in the webhook's JSON shape. A field set to `undefined` is removed, so
 * `{ email: undefined }` is a cart without an email and `{ timezone: undefined }` one that falls back
 * to the store's zone.
 */
export type CartOverrides = Json;

export interface EventOptions {
  /** The event id; default derived from the cart id, the type and `occurredAt`. */
  id?: string;
  /** When the storefront says it happened (any ISO form; sent as UTC ISO); default the delivery time `at`. */
  occurredAt?: string;
}

function withOverrides(target: Json, overrides: CartOverrides): void {
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete target[key];
    else target[key] = value;
  }
}

/**
 * A `cart.updated` delivered at `at` (ISO): the storefront fixture (cart-1001 of Shopper@Example.com,
 * total 178.50 USD, America/New_York, consent given) with `cart` merged in.
 */
export function updated(at: string, cart: CartOverrides = {}, options: EventOptions = {}): ScenarioInput {
  const event: Json & { cart: Json } = structuredClone(updatedFixture);
  withOverrides(event.cart, cart);
  event.occurredAt = new Date(options.occurredAt ?? at).toISOString();
  event.id = options.id ?? `upd-${String(event.cart.id)}-${event.occurredAt}`;
  return { at: Date.parse(at), event };
}

/** A `cart.checked_out` delivered at `at` (ISO): the checkout fixture (cart-1001) with `cart` merged in. */
export function checkedOut(at: string, cart: CartOverrides = {}, options: EventOptions = {}): ScenarioInput {
  const event: Json & { cart: Json } = structuredClone(checkedOutFixture);
  withOverrides(event.cart, cart);
  event.occurredAt = new Date(options.occurredAt ?? at).toISOString();
  event.id = options.id ?? `chk-${String(event.cart.id)}-${event.occurredAt}`;
  return { at: Date.parse(at), event };
}

/** Any event body delivered at `at`, as is (for invalid events). */
export function rawEvent(at: string, event: unknown): ScenarioInput {
  return { at: Date.parse(at), event };
}

/** An owner action (suppress, write_off) or an unsubscribe at `at` (ISO). */
export function action(
  at: string,
  kind: 'suppress' | 'write_off' | 'unsubscribe',
  target: { cartId?: string; email?: string; reason?: string },
): ScenarioInput {
  return { at: Date.parse(at), action: kind, ...target };
}

/** Numbers scenario lines from 1, as the JSONL reader does. */
export function scenario(...inputs: ScenarioInput[]): ScenarioLine[] {
  return inputs.map((input, i) => ({ ...input, line: i + 1 }));
}

/** Runs the scenario through the simulator until `until` (ISO) and returns every output line in order. */
export async function simulate(
  lines: ScenarioLine[],
  options: { rules: Rules; until: string },
): Promise<SimOutput[]> {
  const out: SimOutput[] = [];
  await runSimulation(lines, {
    rules: options.rules,
    until: new Date(options.until),
    output: (line) => out.push(line),
  });
  return out;
}
