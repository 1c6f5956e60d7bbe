/**
 * `npm run demo`: posts a few signed sample carts to the running local stack (`npm start`), as a
 * storefront would, then watches the mail viewer until their reminders arrive. With `--stores`: one
 * delivery per store platform instead, then its order (demo-stores.ts).
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { signatureHeader } from '../domain/request-signature.js';
import { DEMO_DEFAULTS } from './demo-defaults.js';
import { demoStores } from './demo-stores.js';
import { type CartView, heldBack } from './developer-routes.js';
import { viewedEmails } from './mail-viewer.js';
import type { LocalSecrets } from './start.js';

const MINUTE = 60_000;

/** A zone where it is daytime now, so quiet hours do not hold the demo's reminders until morning. */
function daytimeZone(now: Date): string {
  const zones = [
    'America/New_York',
    'Europe/Berlin',
    'Asia/Kolkata',
    'Australia/Sydney',
    'America/Los_Angeles',
    'Asia/Tokyo',
    'Pacific/Honolulu',
    'America/Sao_Paulo',
  ];
  const hour = (zone: string) =>
    Number(
      new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: 'numeric', hourCycle: 'h23' }).format(now),
    );
  return zones.find((zone) => hour(zone) >= 10 && hour(zone) < 19) ?? 'Asia/Kolkata';
}

function cartEvent(
  id: string,
  email: string,
  minutesAgo: number,
  zone: string,
  items: { sku: string; title: string; quantity: number; price: string }[],
  now: Date,
) {
  const total = items.reduce((sum, i) => sum + Number(i.price) * i.quantity, 0).toFixed(2);
  return {
    id: `demo_${id}_${now.getTime()}`,
    type: 'cart.updated',
    occurredAt: new Date(now.getTime() - minutesAgo * MINUTE).toISOString(),
    cart: {
      id: `${id}_${now.getTime().toString(36)}`,
      email,
      currency: 'USD',
      total,
      items: items.map((i) => ({ ...i, url: `https://shop.example.com/products/${i.sku.toLowerCase()}` })),
      returnUrl: `https://shop.example.com/cart/restore/${id}`,
      timezone: zone,
      locale: 'en-US',
      marketingConsent: true,
    },
  };
}

/** `npm run demo -- --help`. */
export const DEMO_USAGE = `Usage: npm run demo [-- OPTIONS]   (with "npm start" running in another terminal)

Posts three signed sample carts to the local stack, as a storefront would, and waits for their
reminders in the mail viewer. Each run, --stores too, uses fresh shopper addresses
(ada+<run>@example.com), so the frequency cap never holds back a second run; a reminder the engine
holds back anyway is named with the engine's own reason.

Options:
  --url URL    the local stack (default ${DEMO_DEFAULTS.url}; npm start --port)
  --mail URL   its mail viewer (default ${DEMO_DEFAULTS.mail}; npm start --ses-port)
  --data DIR   its data folder, for the webhook secret (default ${DEMO_DEFAULTS.data}; npm start --data)
  --stores     post one signed sample delivery per store platform (Shopify, WooCommerce, Stripe),
               then its order, instead of the three sample carts
  --stripe-api URL  the local Stripe API stand-in (default ${DEMO_DEFAULTS.stripeApi}; npm start --stripe-port)
  -h, --help   this text`;

function demoOptions(
  argv: string[],
): { url: string; data: string; mail: string; stores: boolean; stripeApi: string } | undefined {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string', default: DEMO_DEFAULTS.url },
        data: { type: 'string', default: DEMO_DEFAULTS.data },
        mail: { type: 'string', default: DEMO_DEFAULTS.mail },
        stores: { type: 'boolean', default: false },
        'stripe-api': { type: 'string', default: DEMO_DEFAULTS.stripeApi },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) return undefined;
    return {
      url: values.url.replace(/\/+$/, ''),
      data: values.data,
      mail: values.mail.replace(/\/+$/, ''),
      stores: values.stores,
      stripeApi: values['stripe-api'].replace(/\/+$/, ''),
    };
  } catch (error) {
    throw new DemoUsageError(error instanceof Error ? error.message : String(error));
  }
}

class DemoUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoUsageError';
  }
}

async function main(): Promise<void> {
  const values = demoOptions(process.argv.slice(2));
  if (!values) {
    console.log(DEMO_USAGE);
    return;
  }
  const secrets = JSON.parse(
    await readFile(join(resolve(values.data), 'secrets.json'), 'utf8').catch(() => {
      throw new Error(`no local secrets in ${values.data}/: start the engine first with "npm start"`);
    }),
  ) as LocalSecrets;
  const now = new Date();
  const zone = daytimeZone(now);
  if (values.stores) {
    await demoStores({ url: values.url, mail: values.mail, stripeApi: values.stripeApi, secrets, zone });
    return;
  }
  // Fresh addresses each run: the engine's frequency cap would rightly skip a second reminder to the
  // same shopper within days, and the demo should show reminders every time it runs.
  const run = now.getTime().toString(36);
  const shopper = (name: string) => `${name}+${run}@example.com`;
  const carts = [
    cartEvent(
      'boots',
      shopper('ada'),
      90,
      zone,
      [
        { sku: 'BOOT-4', title: 'Leather boots', quantity: 1, price: '149.00' },
        { sku: 'SOCK-5', title: 'Wool socks (3 pairs)', quantity: 1, price: '12.90' },
      ],
      now,
    ),
    cartEvent(
      'hoodie',
      shopper('grace'),
      180,
      zone,
      [{ sku: 'HOOD-2', title: 'Heavyweight hoodie', quantity: 1, price: '64.00' }],
      now,
    ),
    cartEvent(
      'mug',
      shopper('linus'),
      5,
      zone,
      [{ sku: 'MUG-8', title: 'Enamel mug', quantity: 2, price: '9.75' }],
      now,
    ),
  ];
  console.log(
    `Posting ${carts.length} signed sample carts to ${values.url}/webhook (shoppers in ${zone}, where it is daytime):`,
  );
  for (const event of carts) {
    const body = JSON.stringify(event);
    const response = await fetch(`${values.url}/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'cart-recovery-signature': signatureHeader(
          secrets.webhookSecret,
          body,
          Math.floor(Date.now() / 1000),
        ),
      },
      body,
    }).catch(() => {
      throw new Error(`cannot reach ${values.url}: is "npm start" running (see --url)?`);
    });
    const answer = (await response.json()) as { status?: string; message?: string };
    const minutes = Math.round((now.getTime() - Date.parse(event.occurredAt)) / MINUTE);
    console.log(
      `  ${response.status} ${answer.status ?? answer.message}  ${event.cart.id}: $${event.cart.total}, last touched ${minutes} min ago`,
    );
  }
  console.log(
    '\nThe first two are past their wait (1-2 h for carts of that size), so their reminders go now;',
  );
  console.log('the mug cart is "still shopping" and waits 4 h. Watching the mail viewer…');
  const due = carts.slice(0, 2);
  const expected = new Set(due.map((c) => c.cart.email));
  const deadline = Date.now() + 60_000;
  const arrived = new Set<string>();
  const held = new Map<string, string>();
  while (Date.now() < deadline && arrived.size + held.size < due.length) {
    for (const email of await viewedEmails(values.mail)) {
      const to = email.destination.to.find((address) => expected.has(address));
      if (!to || arrived.has(to)) continue;
      arrived.add(to);
      console.log(`  arrived: "${email.subject}" to ${to}`);
    }
    for (const event of due) {
      if (arrived.has(event.cart.email) || held.has(event.cart.id)) continue;
      const reason = await engineReason(values.url, event.cart.id);
      if (reason) {
        held.set(event.cart.id, reason);
        console.log(`  held back: ${event.cart.id}: ${reason}`);
      }
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  if (arrived.size > 0)
    console.log(`\nOpen ${values.mail} to read them (with their one-click unsubscribe links).`);
  if (arrived.size + held.size < due.length) {
    console.log(
      '\nNot every reminder arrived within a minute, and the engine names no guardrail: check the "npm start" window for errors.',
    );
    process.exitCode = 1;
  }
}

/** The engine's reason for holding a cart's reminder back, read from the local stack; none yet. */
async function engineReason(url: string, cartId: string): Promise<string | undefined> {
  const response = await fetch(`${url}/local/carts/${encodeURIComponent(cartId)}`).catch(() => undefined);
  if (!response?.ok) return undefined;
  return heldBack((await response.json()) as CartView, Date.now());
}

main().catch((error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof DemoUsageError) console.error('Run "npm run demo -- --help" for the options.');
  process.exit(error instanceof DemoUsageError ? 2 : 1);
});
