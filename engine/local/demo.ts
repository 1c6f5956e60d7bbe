/**
 * `npm run demo`: posts a few signed sample carts to the running local stack (`npm start`), as a
 * storefront would, then watches the mail viewer until their reminders arrive. With `--stores`: one
 * delivery per store platform instead, then its order (demo-stores.ts).
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { signatureHeader } from '../domain/request-signature.js';
import { demoStores } from './demo-stores.js';
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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:3000' },
      data: { type: 'string', default: '.data' },
      mail: { type: 'string', default: 'http://127.0.0.1:8005' },
      stores: { type: 'boolean', default: false },
      'stripe-api': { type: 'string', default: 'http://127.0.0.1:8006' },
    },
  });
  const secrets = JSON.parse(
    await readFile(join(resolve(values.data), 'secrets.json'), 'utf8').catch(() => {
      throw new Error(`no local secrets in ${values.data}/: start the engine first with "npm start"`);
    }),
  ) as LocalSecrets;
  const now = new Date();
  const zone = daytimeZone(now);
  if (values.stores) {
    await demoStores({ url: values.url, mail: values.mail, stripeApi: values['stripe-api'], secrets, zone });
    return;
  }
  const carts = [
    cartEvent(
      'boots',
      'ada@example.com',
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
      'grace@example.com',
      180,
      zone,
      [{ sku: 'HOOD-2', title: 'Heavyweight hoodie', quantity: 1, price: '64.00' }],
      now,
    ),
    cartEvent(
      'mug',
      'linus@example.com',
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
      throw new Error(`cannot reach ${values.url}: is "npm start" running?`);
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
  const deadline = Date.now() + 60_000;
  let seen = 0;
  while (Date.now() < deadline) {
    const store = (await (await fetch(`${values.mail}/store`)).json()) as {
      emails: { subject: string; destination: { to: string[] } }[];
    };
    const ours = store.emails.filter((e) =>
      e.destination.to.some((to) => /^(ada|grace)@example\.com$/.test(to)),
    );
    if (ours.length > seen) {
      for (const email of ours.slice(seen))
        console.log(`  arrived: "${email.subject}" to ${email.destination.to.join(', ')}`);
      seen = ours.length;
    }
    if (seen >= 2) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  console.log(
    seen >= 2
      ? `\nOpen ${values.mail} to read them (with their one-click unsubscribe links).`
      : '\nNo reminders yet: check the "npm start" window for errors.',
  );
}

main().catch((error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
