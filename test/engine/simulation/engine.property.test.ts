import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CartUpdatedInput } from '#engine/domain/cart-event.js';
import { runSimulation, type SimOutput } from '#engine/simulation/run-simulation.js';
import { type GeneratedLine, type Scenario, scenarioArb } from '#test/engine/simulation/arbitraries.js';
import { sampleRules } from '#test/fakes/sample-cart.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NUM_RUNS = 150;

type Reminder = Extract<SimOutput, { kind: 'reminder' }>;
type Closed = Extract<SimOutput, { kind: 'closed' }>;

const CLOSED_STATUSES = ['purchased', 'recovered', 'suppressed', 'written_off', 'unsubscribed', 'given_up'];

/** Runs the scenario to 30 days after its last line and collects every output line. */
async function simulate(scenario: Scenario, lines: GeneratedLine[] = scenario.lines): Promise<SimOutput[]> {
  const output: SimOutput[] = [];
  const lastAt = lines.at(-1)?.at ?? 0;
  await runSimulation(lines, {
    rules: scenario.rules,
    until: new Date(lastAt + 30 * DAY),
    output: (line) => output.push(line),
  });
  // Every generated event is well formed: a rejection means the generator, not the engine, is wrong.
  expect(output.filter((o) => o.kind === 'rejected')).toEqual([]);
  return output;
}

const key = (email: string) => email.trim().toLowerCase();
const isReminder = (o: SimOutput): o is Reminder => o.kind === 'reminder';
const isClosed = (o: SimOutput): o is Closed => o.kind === 'closed';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes since local midnight, from Intl rather than the engine's own offset arithmetic. */
function localMinute(at: number, zone: string): number {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(zone, format);
  }
  const parts = format.formatToParts(new Date(at));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return part('hour') * 60 + part('minute');
}

function inQuietHours(scenario: Scenario, at: number, zone: string): boolean {
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const start = minutes(scenario.rules.quietHours.start);
  const end = minutes(scenario.rules.quietHours.end);
  const m = localMinute(at, zone);
  if (start === end) return false;
  return start < end ? m >= start && m < end : m >= start || m < end;
}

/** Fields a later snapshot that leaves them out keeps from the one before (storefronts send them once). */
const STICKY = ['email', 'timezone', 'locale', 'marketingConsent'] as const;

/**
 * The snapshot a cart holds at `at`: of the updates delivered by then, the one that happened last;
 * of two with the same `occurredAt`, the one delivered first. Sticky fields a newer update leaves out
 * keep the value the cart had.
 */
function snapshotAt(scenario: Scenario, cartId: string, at: number): CartUpdatedInput['cart'] | undefined {
  let current: CartUpdatedInput | undefined;
  let snapshot: CartUpdatedInput['cart'] | undefined;
  for (const line of scenario.lines) {
    if (line.at > at) break;
    if (!('event' in line) || line.event.type !== 'cart.updated' || line.event.cart.id !== cartId) continue;
    if (current && Date.parse(line.event.occurredAt) <= Date.parse(current.occurredAt)) continue;
    current = line.event;
    const kept = Object.fromEntries(
      STICKY.flatMap((f) => (snapshot?.[f] === undefined ? [] : [[f, snapshot[f]]])),
    );
    const given = Object.fromEntries(Object.entries(line.event.cart).filter(([, v]) => v !== undefined));
    snapshot = { ...kept, ...given } as CartUpdatedInput['cart'];
  }
  return snapshot;
}

/** Every cart id any event of the scenario names. */
function cartIds(scenario: Scenario): Set<string> {
  const ids = new Set<string>();
  for (const line of scenario.lines) if ('event' in line) ids.add(line.event.cart.id);
  return ids;
}

/** Lines that must stop every later reminder of a cart: the cart's checkout, suppression, write-off, unsubscribe. */
function stoppers(scenario: Scenario, reminder: Reminder): GeneratedLine[] {
  const at = Date.parse(reminder.at);
  return scenario.lines.filter((line, index) => {
    if (line.at > at) return false;
    if ('event' in line)
      return line.event.type === 'cart.checked_out' && line.event.cart.id === reminder.cartId;
    if (line.action === 'unsubscribe') return key(line.email) === key(reminder.to);
    // An action on a cart not yet known is an error and changes nothing.
    const known = scenario.lines.slice(0, index).some((l) => 'event' in l && l.event.cart.id === line.cartId);
    return line.cartId === reminder.cartId && known;
  });
}

/** Reminder, skipped, closed and deferred lines: what a shopper or the owner would notice. */
const decisions = (output: SimOutput[]) =>
  output.filter((o) => ['reminder', 'skipped', 'closed', 'deferred'].includes(o.kind));

describe('runSimulation (properties)', () => {
  it('sends a cart at most maxReminders reminders, each number at most once', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        // Act
        const output = await simulate(scenario);

        // Assess
        const byCart = new Map<string, number[]>();
        for (const r of output.filter(isReminder))
          byCart.set(r.cartId, [...(byCart.get(r.cartId) ?? []), r.n]);
        for (const numbers of byCart.values()) {
          expect(numbers.length).toBeLessThanOrEqual(scenario.rules.maxReminders);
          expect(new Set(numbers).size).toBe(numbers.length);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("never sends a reminder inside quiet hours in the cart's zone", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        // Act
        const output = await simulate(scenario);

        // Assess
        for (const r of output.filter(isReminder)) {
          const at = Date.parse(r.at);
          const zone = snapshotAt(scenario, r.cartId, at)?.timezone ?? scenario.rules.store.timezone;
          expect(inQuietHours(scenario, at, zone), JSON.stringify({ reminder: r, zone })).toBe(false);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('never sends a reminder after a checkout, unsubscribe, suppression or write-off was delivered', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        // Act
        const output = await simulate(scenario);

        // Assess
        for (const r of output.filter(isReminder)) {
          expect({ reminder: r, stoppedBy: stoppers(scenario, r) }).toEqual({ reminder: r, stoppedBy: [] });
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('never sends one email reminders for two carts within the frequency cap', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        // Act
        const output = await simulate(scenario);

        // Assess
        const cap = scenario.rules.frequencyCapHours * HOUR;
        const sent = output.filter(isReminder);
        for (const [i, a] of sent.entries()) {
          for (const b of sent.slice(i + 1)) {
            if (a.cartId === b.cartId || key(a.to) !== key(b.to)) continue;
            const apart = Math.abs(Date.parse(b.at) - Date.parse(a.at));
            expect(apart, JSON.stringify({ a, b })).toBeGreaterThanOrEqual(cap);
          }
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('gives the same decisions when every event is delivered twice', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        // Prepare
        const doubled = scenario.lines
          .flatMap((line): GeneratedLine[] => ('event' in line ? [line, { ...line }] : [line]))
          .map((line, index) => ({ ...line, line: index + 1 }));

        // Act
        const once = await simulate(scenario);
        const twice = await simulate(scenario, doubled);

        // Assess
        expect(decisions(twice)).toEqual(decisions(once));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('waits at least the shortest second wait between reminder 1 and reminder 2 of a cart', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        // Act
        const output = await simulate(scenario);

        // Assess
        const shortest = Math.min(...scenario.rules.tiers.map((t) => t.secondWaitHours)) * HOUR;
        const sent = output.filter(isReminder);
        for (const second of sent.filter((r) => r.n === 2)) {
          const first = sent.find((r) => r.n === 1 && r.cartId === second.cartId);
          if (!first) continue;
          const gap = Date.parse(second.at) - Date.parse(first.at);
          expect(gap, JSON.stringify({ first, second })).toBeGreaterThanOrEqual(shortest);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('closes every cart exactly once, recovered only after one of its reminders', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        // Act
        const output = await simulate(scenario);

        // Assess
        for (const cartId of cartIds(scenario)) {
          const closings = output.flatMap((o, index) => (isClosed(o) && o.cartId === cartId ? [index] : []));
          expect({ cartId, closings: closings.length }).toEqual({ cartId, closings: 1 });
          const index = closings[0] ?? -1;
          const closed = output[index] as Closed;
          expect(CLOSED_STATUSES).toContain(closed.status);
          if (closed.status === 'recovered') {
            const reminded = output.slice(0, index).some((o) => isReminder(o) && o.cartId === cartId);
            expect({ cartId, status: closed.status, reminded }).toEqual({
              cartId,
              status: 'recovered',
              reminded: true,
            });
          }
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("sends each reminder to its cart's shopper, with consent where the rules ask for it", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        // Act
        const output = await simulate(scenario);

        // Assess
        for (const r of output.filter(isReminder)) {
          const snapshot = snapshotAt(scenario, r.cartId, Date.parse(r.at));
          expect(key(r.to)).toBe(key(snapshot?.email ?? ''));
          const needsConsent =
            scenario.rules.consent === 'required' || (scenario.rules.consent === 'first_only' && r.n === 2);
          if (needsConsent)
            expect({ reminder: r, consent: snapshot?.marketingConsent }).toEqual({
              reminder: r,
              consent: true,
            });
          expect(snapshot?.items.length ?? 0).toBeGreaterThan(0);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('runSimulation (regressions found by the properties)', () => {
  const at = Date.parse('2026-03-28T00:00:00Z');
  const cartEvent: CartUpdatedInput = {
    id: 'evt-1-1',
    type: 'cart.updated',
    occurredAt: new Date(at).toISOString(),
    cart: {
      id: 'cart-1',
      email: 'ana@example.com',
      currency: 'EUR',
      total: '20.00',
      items: [{ sku: 'SKU-1', title: 'Item 1', quantity: 1, price: '20.00' }],
      returnUrl: 'https://store.example/cart/cart-1',
    },
  };

  it.each([
    ['suppress', 'suppressed'],
    ['write_off', 'written_off'],
  ] as const)('reports a cart closed by %s as closed once, with status %s', async (action, status) => {
    // Prepare
    const scenario: Scenario = {
      rulesDoc: {},
      rules: sampleRules(),
      lines: [
        { at, line: 1, event: cartEvent },
        { at: at + HOUR, line: 2, action, cartId: 'cart-1' },
      ],
    };

    // Act
    const output = await simulate(scenario);

    // Assess
    expect(output.filter(isClosed)).toEqual([
      { at: new Date(at + HOUR).toISOString(), kind: 'closed', cartId: 'cart-1', status },
    ]);
  });
});
