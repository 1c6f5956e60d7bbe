import { describe, expect, it } from 'vitest';
import type { CartItem, CartSnapshot } from '#engine/domain/cart-event.js';
import { LANGUAGES } from '#engine/domain/copy/catalogue.js';
import { CATALOGUES } from '#engine/domain/copy/language.js';
import { ValidationError } from '#engine/domain/errors.js';
import {
  composeReminder,
  defaultLine,
  escapeHtml,
  fillLine,
  lineTemplate,
  ownOpening,
  type ReminderInput,
  relativeLuminance,
  reminderLanguage,
  textColourOn,
  toneFor,
} from '#engine/domain/reminder-message.js';
import type { Rules } from '#engine/domain/rules.js';
import { sampleCart, sampleRules } from '#test/fakes/sample-cart.js';

const UNSUBSCRIBE_URL = 'https://acme.example/unsubscribe/tok_abc123';
const NBSP = '\u00a0';
const NOW = new Date('2026-06-10T16:00:00Z');

function item(overrides: Partial<CartItem> = {}): CartItem {
  return {
    sku: 'SKU-1',
    title: 'Plain Item',
    quantity: 1,
    price: '10.00',
    imageUrl: undefined,
    url: undefined,
    ...overrides,
  };
}

const SPECIALS = `<>&"'`;
const ESCAPED = '&lt;&gt;&amp;&quot;&#39;';
const FOLDED_IN = 'one\r\ntwo\u2028three\u2029four\rfive\nsix';
const FOLDED_OUT = 'one two three four five six';

/** A change to the sample input of reminder 1: of the cart snapshot, the store, the line or the unsubscribe URL. */
interface Change {
  cart?: Partial<CartSnapshot>;
  store?: Partial<Rules['store']>;
  line?: string;
  unsubscribeUrl?: string;
}

function inputWith(change: Change): ReminderInput {
  return {
    cart: sampleCart({ snapshot: change.cart ?? {} }),
    n: 1,
    rules: sampleRules({ store: change.store ?? {} }),
    unsubscribeUrl: change.unsubscribeUrl ?? UNSUBSCRIBE_URL,
    now: NOW,
    ...(change.line === undefined ? {} : { line: change.line }),
  };
}

/** Returns what `act` throws; fails the test when it throws nothing. */
function thrownBy(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** A store of a German shop, with an ampersand in its name. */
function representativeRules() {
  return sampleRules({
    store: {
      name: 'Berg & Tal Outdoor',
      currency: 'EUR',
      timezone: 'Europe/Berlin',
      address: 'Berg & Tal GmbH, Hauptstraße 5, 10115 Berlin, Germany',
      url: 'https://berg-und-tal.example',
      replyTo: 'hilfe@berg-und-tal.example',
      accentColor: '#0F766E',
    },
    discount: { code: 'DANKE10', description: '10% off your order', minTotal: 50, expires: '2026-06-30' },
    messages: { de: { discount: '10 % Rabatt auf Ihre Bestellung' } },
  });
}

/**
 * A German cart in euros of twelve items: a long first title, items with a link and an image, with one
 * of them, with neither, with a link that is not http(s), and two past the ten that are listed.
 */
function representativeCart() {
  const shop = 'https://berg-und-tal.example';
  const cdn = 'https://cdn.berg-und-tal.example/img';
  return sampleCart({
    snapshot: {
      currency: 'EUR',
      locale: 'de-DE',
      firstName: 'Jörg',
      timezone: 'Europe/Berlin',
      returnUrl: `${shop}/cart/c-2001?recover=1&utm_source=reminder`,
      total: '1234.56',
      items: [
        item({
          sku: 'BP-45',
          title: 'Alpine Trekking Backpack 45 L with Rain Cover, Hip-Belt Pockets and Hydration Sleeve',
          price: '189.90',
          url: `${shop}/p/alpine-backpack-45`,
          imageUrl: `${cdn}/bp-45.jpg`,
        }),
        item({ sku: 'SK-3', title: 'Merino Hiking Socks', quantity: 3, price: '14.5' }),
        item({ sku: 'TR-42', title: 'Trail Runner Shoes', price: '129.00', url: `${shop}/p/trail-runner` }),
        item({ sku: 'MG-1', title: 'Enamel Camp Mug', price: '9.99', imageUrl: `${cdn}/mug.jpg` }),
        item({
          sku: 'HL-300',
          title: 'Headlamp "Nightowl" 300 lm',
          price: '44.00',
          url: 'javascript:alert(1)',
          imageUrl: 'data:image/png;base64,AAAA',
        }),
        item({ sku: 'TP-2', title: 'Ultralight Tent for 2', price: '349.00', url: `${shop}/p/tent-2` }),
        item({ sku: 'SB-0', title: 'Sleeping Bag −5 °C', price: '219.00', imageUrl: `${cdn}/bag.jpg` }),
        item({
          sku: 'ST-1',
          title: 'Gas Stove',
          price: '59.95',
          url: `${shop}/p/stove`,
          imageUrl: `${cdn}/stove.jpg`,
        }),
        item({ sku: 'PL-2', title: 'Trekking Poles (pair)', price: '79.00' }),
        item({
          sku: 'WB-1',
          title: 'Water Bottle 1 L',
          quantity: 2,
          price: '19.90',
          url: `${shop}/p/bottle`,
        }),
        item({ sku: 'MP-1', title: 'Hiking Map Harz', price: '8.50' }),
        item({ sku: 'FA-1', title: 'First Aid Kit', price: '24.95' }),
      ],
    },
  });
}

describe('composeReminder', () => {
  it('escapes hostile titles and drops script URLs from the HTML', () => {
    // Prepare
    const cart = sampleCart({
      snapshot: {
        items: [
          item({
            title: '<script>alert(1)</script>',
            url: 'https://acme.example/p/1?a=1&b="><script>x()</script>',
            imageUrl: 'https://cdn.acme.example/1.png" onerror="alert(2)',
          }),
          item({
            title: '"><img src=x onerror=alert(3)>',
            url: 'javascript:alert(4)',
            imageUrl: 'data:image/png;base64,AAAA',
          }),
        ],
      },
    });

    // Act
    const { html } = composeReminder({
      cart,
      n: 1,
      rules: sampleRules(),
      unsubscribeUrl: UNSUBSCRIBE_URL,
      now: NOW,
    });

    // Assess
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(3)&gt;');
    expect(html).toContain(
      'href="https://acme.example/p/1?a=1&amp;b=&quot;&gt;&lt;script&gt;x()&lt;/script&gt;"',
    );
    expect(html).toContain('src="https://cdn.acme.example/1.png&quot; onerror=&quot;alert(2)"');
    expect(html).not.toContain('onerror="');
    expect(html.match(/<img /g)).toHaveLength(1);
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('data:image');
  });

  it('escapes the store name, the address and a given line', () => {
    // Prepare
    const rules = sampleRules({ store: { name: 'Tom & Jerry <Shop>', address: '1 "Quoted" Lane' } });

    // Act
    const { html } = composeReminder({
      cart: sampleCart(),
      n: 1,
      rules,
      unsubscribeUrl: UNSUBSCRIBE_URL,
      now: NOW,
      line: '<b>Come back</b> & finish',
    });

    // Assess
    expect(html).toContain('Tom &amp; Jerry &lt;Shop&gt;');
    expect(html).toContain('1 &quot;Quoted&quot; Lane');
    expect(html).toContain('&lt;b&gt;Come back&lt;/b&gt; &amp; finish');
    expect(html).not.toContain('<Shop>');
  });

  it('lists items, prices and the total in US dollars for an en-US cart', () => {
    // Act
    const { html, text } = composeReminder({
      cart: sampleCart(),
      n: 1,
      rules: sampleRules(),
      unsubscribeUrl: UNSUBSCRIBE_URL,
      now: NOW,
    });

    // Assess
    for (const part of [html, text]) {
      expect(part).toContain('Trail Runner Shoes');
      expect(part).toContain('Merino Hiking Socks');
      expect(part).toContain('$129.00');
      expect(part).toContain('$24.75 each');
      expect(part).toContain('$49.50');
      expect(part).toContain('$178.50');
    }
    expect(text).toContain('- Trail Runner Shoes (Quantity: 1): $129.00');
    expect(text).toContain('- Merino Hiking Socks (Quantity: 2 · $24.75 each): $49.50');
    expect(text).toContain('Total: $178.50');
    expect(html).toContain('Quantity: 2 · $24.75 each');
    expect(html).not.toContain('$129.00 each');
  });

  it('writes a German cart in German, with euros the de-DE way', () => {
    // Prepare
    const cart = sampleCart({
      snapshot: {
        currency: 'EUR',
        locale: 'de-DE',
        total: '1259.90',
        items: [item({ price: '1234.5' }), item({ price: '25.40' })],
      },
    });

    // Act
    const { html, text, subject } = composeReminder({
      cart,
      n: 1,
      rules: sampleRules(),
      unsubscribeUrl: UNSUBSCRIBE_URL,
      now: NOW,
    });

    // Assess
    expect(html).toContain(`1.234,50${NBSP}€`);
    expect(html).toContain(`25,40${NBSP}€`);
    expect(text).toContain(`Gesamt: 1.259,90${NBSP}€`);
    expect(subject).toBe('Ihr Warenkorb bei Acme Outfitters ist gespeichert');
    expect(text).toContain('Zurück zum Warenkorb: https://');
    expect(html).toContain('<html lang="de"');
  });

  it('writes money the en-US way in the cart currency when the cart has no locale', () => {
    // Prepare
    const cart = sampleCart({ snapshot: { currency: 'EUR', locale: undefined, total: '1234.5' } });

    // Act
    const { text } = composeReminder({
      cart,
      n: 1,
      rules: sampleRules(),
      unsubscribeUrl: UNSUBSCRIBE_URL,
      now: NOW,
    });

    // Assess
    expect(text).toContain('Total: €1,234.50');
  });

  it('names the store in a friendly first subject and a different, warmer second one', () => {
    // Prepare
    const input = { cart: sampleCart(), rules: sampleRules(), unsubscribeUrl: UNSUBSCRIBE_URL, now: NOW };

    // Act
    const first = composeReminder({ ...input, n: 1 });
    const second = composeReminder({ ...input, n: 2 });

    // Assess
    expect(first.subject).toBe('Your cart at Acme Outfitters is saved');
    expect(second.subject).toBe('Still deciding? Your cart at Acme Outfitters is waiting');
    expect(first.text).not.toBe(second.text);
    expect(first.html).toContain('Return to your cart');
    expect(second.html).toContain('Complete your order');
  });

  it('sets the one-click unsubscribe headers of RFC 8058', () => {
    // Act
    const { headers } = composeReminder({
      cart: sampleCart(),
      n: 2,
      rules: sampleRules(),
      unsubscribeUrl: UNSUBSCRIBE_URL,
      now: NOW,
    });

    // Assess
    expect(headers).toEqual({
      'List-Unsubscribe': `<${UNSUBSCRIBE_URL}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });

  it('links the cart, the items and the unsubscribe page and shows the postal address', () => {
    // Act
    const { html } = composeReminder({
      cart: sampleCart(),
      n: 1,
      rules: sampleRules(),
      unsubscribeUrl: UNSUBSCRIBE_URL,
      now: NOW,
    });

    // Assess
    expect(html).toContain('href="https://acme.example/cart/cart-1001?recover=1"');
    expect(html).toContain('href="https://acme.example/products/trail-runner"');
    expect(html).toContain(`href="${UNSUBSCRIBE_URL}"`);
    expect(html).toContain('1 Main Street, Springfield, USA');
    expect(html).toContain('src="https://cdn.acme.example/img/trail-runner.jpg" alt="Trail Runner Shoes"');
  });

  it('builds an email-safe layout with a hidden preheader', () => {
    // Act
    const { html } = composeReminder({
      cart: sampleCart(),
      n: 1,
      rules: sampleRules(),
      unsubscribeUrl: UNSUBSCRIBE_URL,
      now: NOW,
    });

    // Assess
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('max-width:600px');
    expect(html).toContain('role="presentation"');
    expect(html).toMatch(
      /<div style="display:none;[^"]*">Everything you picked at Acme Outfitters is still there, ready when you are\./,
    );
    expect(html).not.toMatch(/<(link|script)\b/i);
    // The one style block is in the head, for dark mode only: the light layout is all inline.
    expect(html.match(/<style\b/g)).toHaveLength(1);
    expect(html.indexOf('<style>')).toBeLessThan(html.indexOf('</head>'));
  });

  it('writes a plain-text part with every link, the store and its address', () => {
    // Act
    const { text } = composeReminder({
      cart: sampleCart(),
      n: 1,
      rules: sampleRules(),
      unsubscribeUrl: UNSUBSCRIBE_URL,
      now: NOW,
    });

    // Assess
    expect(text).toContain('Return to your cart: https://acme.example/cart/cart-1001?recover=1');
    expect(text).toContain(`Unsubscribe from cart reminders: ${UNSUBSCRIBE_URL}`);
    expect(text).toContain('  https://acme.example/products/trail-runner');
    expect(text).toContain('Acme Outfitters\n1 Main Street, Springfield, USA');
    expect(text).not.toMatch(/<[a-z]/i);
  });

  it('uses the given line in place of the default one', () => {
    // Act
    const { text } = composeReminder({
      cart: sampleCart(),
      n: 1,
      rules: sampleRules(),
      unsubscribeUrl: UNSUBSCRIBE_URL,
      now: NOW,
      line: 'Your trail gear is ready when you are.',
    });

    // Assess
    expect(text).toContain('Hello,\n\nYour trail gear is ready when you are.\n');
    expect(text).not.toContain('Still in your cart');
  });

  it('gives the item rows no image column when no item has an image, and no row counting more', () => {
    // Act
    const { html } = composeReminder(inputWith({ cart: { items: [item()] } }));

    // Assess
    expect(html).toContain('<tr><td valign="top" colspan="2" class="cr-body"');
    expect(html).not.toContain(' width="64"');
    expect(html).toContain('</tr>\n<tr><td colspan="2" class="cr-strong cr-rule"');
  });

  it('lists the first ten items of a long cart and counts the rest', () => {
    // Prepare
    const items = Array.from({ length: 12 }, (_, i) => item({ sku: `S${i}`, title: `Item number ${i + 1}` }));
    const cart = sampleCart({ snapshot: { items } });

    // Act
    const { html, text } = composeReminder({
      cart,
      n: 1,
      rules: sampleRules(),
      unsubscribeUrl: UNSUBSCRIBE_URL,
      now: NOW,
    });

    // Assess
    expect(text).toContain('Item number 10');
    expect(text).not.toContain('Item number 11');
    expect(text).toContain('\n+ 2 more items in your cart\n');
    expect(html).toContain('+ 2 more items in your cart');
  });

  it('is plain data: a spread or a structured clone keeps every part', () => {
    // Act
    const message = composeReminder({
      cart: sampleCart(),
      n: 1,
      rules: sampleRules(),
      unsubscribeUrl: UNSUBSCRIBE_URL,
      now: NOW,
    });

    // Assess
    expect(Object.keys(message).sort()).toEqual(['headers', 'html', 'language', 'subject', 'text']);
    expect({ ...message }).toEqual(message);
    expect(structuredClone(message)).toEqual(message);
    expect(message.text).toContain('Hello,');
  });

  it('holds nothing of the cart but what the shopper reads: no email address', () => {
    // Act
    const message = composeReminder({
      cart: sampleCart(),
      n: 2,
      rules: sampleRules(),
      unsubscribeUrl: UNSUBSCRIBE_URL,
      now: NOW,
    });

    // Assess
    expect(JSON.stringify(message)).not.toContain('@example.com');
  });

  it.each([1, 2] as const)(
    'writes reminder %i of a representative cart exactly as the golden files hold it',
    async (n) => {
      // Act
      const message = composeReminder({
        cart: representativeCart(),
        n,
        rules: representativeRules(),
        unsubscribeUrl: 'https://berg-und-tal.example/unsubscribe/tok_9f2c41?list=cart',
        now: NOW,
      });

      // Assess
      await expect(message.html).toMatchFileSnapshot(`./__golden__/reminder-${n}.html`);
      await expect(message.text).toMatchFileSnapshot(`./__golden__/reminder-${n}.txt`);
      await expect(
        `${JSON.stringify({ subject: message.subject, replyTo: message.replyTo, headers: message.headers }, null, 2)}\n`,
      ).toMatchFileSnapshot(`./__golden__/reminder-${n}.envelope.json`);
    },
  );

  it.each<[string, Change, string, string]>([
    [
      'an item title',
      { cart: { items: [item({ title: `Mug ${SPECIALS}` })] } },
      `Mug ${SPECIALS}`,
      `Mug ${ESCAPED}`,
    ],
    ['the store name', { store: { name: `Shop ${SPECIALS}` } }, `Shop ${SPECIALS}`, `Shop ${ESCAPED}`],
    ['the store address', { store: { address: `Lane ${SPECIALS}` } }, `Lane ${SPECIALS}`, `Lane ${ESCAPED}`],
    ['the personal line', { line: `Line ${SPECIALS}` }, `Line ${SPECIALS}`, `Line ${ESCAPED}`],
    [
      'an item link',
      { cart: { items: [item({ url: `https://a.example/p?${SPECIALS}` })] } },
      `https://a.example/p?${SPECIALS}`,
      `href="https://a.example/p?${ESCAPED}"`,
    ],
    [
      'an item image',
      { cart: { items: [item({ imageUrl: `https://a.example/i?${SPECIALS}` })] } },
      `https://a.example/i?${SPECIALS}`,
      `src="https://a.example/i?${ESCAPED}"`,
    ],
    [
      'the return URL',
      { cart: { returnUrl: `https://a.example/c?${SPECIALS}` } },
      `https://a.example/c?${SPECIALS}`,
      `href="https://a.example/c?${ESCAPED}"`,
    ],
    // A header cannot carry < or >, so an unsubscribe URL with them is refused; the other three pass.
    [
      'the unsubscribe URL',
      { unsubscribeUrl: `https://a.example/u?&"'` },
      `https://a.example/u?&"'`,
      'href="https://a.example/u?&amp;&quot;&#39;"',
    ],
  ])(
    'escapes every HTML special of %s in the HTML and keeps it as it is in the text',
    (name, change, raw, escaped) => {
      // Prepare
      const input = inputWith(change);

      // Act
      const { html, text } = composeReminder(input);

      // Assess
      expect(html).toContain(escaped);
      expect(html).not.toContain(raw);
      if (name !== 'an item image') expect(text).toContain(raw);
    },
  );

  it.each<[string, Change]>([
    ['an item title', { cart: { items: [item({ title: FOLDED_IN })] } }],
    ['the store name', { store: { name: FOLDED_IN } }],
    ['the store address', { store: { address: FOLDED_IN } }],
    ['the personal line', { line: FOLDED_IN }],
  ])('folds CR, LF, U+2028 and U+2029 in %s into one space', (_, change) => {
    // Prepare
    const input = inputWith(change);

    // Act
    const { html, text, subject } = composeReminder(input);

    // Assess
    expect(text).toContain(FOLDED_OUT);
    expect(html).toContain(FOLDED_OUT);
    if (change.store?.name) expect(subject).toContain(FOLDED_OUT);
  });

  it.each([
    [10, '', ''],
    [11, '+ 1 more item in your cart\n', '+ 1 more item in your cart'],
    [12, '+ 2 more items in your cart\n', '+ 2 more items in your cart'],
  ])('lists at most ten of %i items and counts the rest', (count, textMore, htmlMore) => {
    // Prepare
    const items = Array.from({ length: count }, (_, i) => item({ sku: `S${i}`, title: `Item #${i + 1}.` }));

    // Act
    const { html, text } = composeReminder({
      cart: sampleCart({ snapshot: { items } }),
      n: 1,
      rules: sampleRules(),
      unsubscribeUrl: UNSUBSCRIBE_URL,
      now: NOW,
      line: 'Come back.',
    });

    // Assess
    expect(text).toContain(`- Item #10. (Quantity: 1): $10.00\n${textMore}\nTotal: $178.50\n`);
    expect(html.match(/Quantity: 1</g)).toHaveLength(10);
    const betweenTenthAndTotal = html.match(/\$10\.00<\/td><\/tr>\n(.*)<tr><td colspan="2"[^>]*>Total</)?.[1];
    expect(betweenTenthAndTotal?.replace(/<[^>]*>/g, '')).toBe(htmlMore);
    expect(`${html}${text}`).not.toContain('Item #11.');
  });

  it('keeps item links and images only for http and https URLs, in any case', () => {
    // Prepare
    const kept = ['http://a.example/1', 'HTTPS://a.example/2'];
    const dropped = ['javascript:https://a.example/3', 'ftp://a.example/4', 'https:/a.example/5', ''];
    const items = [...kept, ...dropped].map((url, i) => item({ sku: `S${i}`, url, imageUrl: `${url}.png` }));

    // Act
    const { html, text } = composeReminder({
      cart: sampleCart({ snapshot: { items } }),
      n: 1,
      rules: sampleRules(),
      unsubscribeUrl: UNSUBSCRIBE_URL,
      now: NOW,
    });

    // Assess
    for (const url of kept) {
      expect(html).toContain(`<a href="${url}" target="_blank"><img src="${url}.png"`);
      expect(text).toContain(`\n  ${url}\n`);
    }
    for (const url of dropped.filter(Boolean)) expect(`${html}${text}`).not.toContain(url);
    expect(html.match(/<img /g)).toHaveLength(kept.length);
    // A cart with images keeps the image column; an item without one leaves its cell empty.
    expect(html.match(/<td width="64" valign="top"[^>]*><\/td>/g)).toHaveLength(dropped.length);
  });

  it.each([
    [
      'a cart without contents',
      { cart: sampleCart({ snapshot: null }) },
      'cart.snapshot',
      'a reminder needs the cart contents',
    ],
    [
      'an ftp return URL',
      { cart: sampleCart({ snapshot: { returnUrl: 'ftp://a.example/c' } }) },
      'cart.snapshot.returnUrl',
      'must be an http(s) URL',
    ],
    [
      'a return URL with http inside',
      { cart: sampleCart({ snapshot: { returnUrl: 'javascript:http://a.example/c' } }) },
      'cart.snapshot.returnUrl',
      'must be an http(s) URL',
    ],
    [
      'a script unsubscribe URL',
      { unsubscribeUrl: 'javascript:alert(1)' },
      'unsubscribeUrl',
      'must be an http(s) URL',
    ],
    [
      'an unsubscribe URL with http inside',
      { unsubscribeUrl: 'javascript:https://a.example/u' },
      'unsubscribeUrl',
      'must be an http(s) URL',
    ],
    [
      'a mailto unsubscribe URL',
      { unsubscribeUrl: 'mailto:u@a.example' },
      'unsubscribeUrl',
      'must be an http(s) URL',
    ],
    [
      'an unsubscribe URL with a space',
      { unsubscribeUrl: 'https://a.example/u u' },
      'unsubscribeUrl',
      'must be an http(s) URL',
    ],
    [
      'an unsubscribe URL with angle brackets',
      { unsubscribeUrl: 'https://a.example/<u>' },
      'unsubscribeUrl',
      'must be an http(s) URL',
    ],
    [
      'an unsubscribe URL ending in a new header',
      { unsubscribeUrl: 'https://a.example/u\r\nBcc: x@y.example' },
      'unsubscribeUrl',
      'must be an http(s) URL',
    ],
    [
      'an unsubscribe URL with a non-ASCII letter',
      { unsubscribeUrl: 'https://a.example/ü' },
      'unsubscribeUrl',
      'must be an http(s) URL',
    ],
  ])('refuses %s with a ValidationError naming the field', (_, change, path, message) => {
    // Prepare
    const input = {
      cart: sampleCart(),
      n: 1 as const,
      rules: sampleRules(),
      unsubscribeUrl: UNSUBSCRIBE_URL,
      now: NOW,
      ...change,
    };

    // Act
    const error = thrownBy(() => composeReminder(input));

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      message: `The reminder is invalid: ${path}: ${message}`,
      errors: [{ path, message }],
    });
  });

  it('accepts an unsubscribe URL of any printable ASCII but spaces and angle brackets', () => {
    // Prepare
    const unsubscribeUrl = `http://a.example/u/!"#$%&'()*+,-./09:;=?@AZ[\\]^_\`az{|}~`;

    // Act
    const { headers, text } = composeReminder({
      cart: sampleCart(),
      n: 1,
      rules: sampleRules(),
      unsubscribeUrl,
      now: NOW,
    });

    // Assess
    expect(headers['List-Unsubscribe']).toBe(`<${unsubscribeUrl}>`);
    expect(text).toContain(`Unsubscribe from cart reminders: ${unsubscribeUrl}\n`);
  });

  it.each([
    ['an item price with a comma', { items: [item({ price: '12,50' })] }],
    ['a total in words', { total: 'twelve' }],
    ['an unknown currency', { currency: 'EURO' }],
  ])('refuses %s with a RangeError', (_, snapshot) => {
    // Prepare
    const cart = sampleCart({ snapshot });

    // Act and Assess
    expect(() =>
      composeReminder({ cart, n: 1, rules: sampleRules(), unsubscribeUrl: UNSUBSCRIBE_URL, now: NOW }),
    ).toThrow(RangeError);
  });
});

describe('defaultLine', () => {
  it('names the first item, how many more and the store, and differs by reminder', () => {
    // Prepare
    const cart = sampleCart();
    const rules = sampleRules();

    // Act
    const first = defaultLine(cart, 1, rules);
    const second = defaultLine(cart, 2, rules);

    // Assess
    expect(first).toBe(
      'Still in your cart at Acme Outfitters: Trail Runner Shoes and 1 more item. We kept everything for you, so you can pick up right where you left off.',
    );
    expect(second).toContain('Saved for you at Acme Outfitters: Trail Runner Shoes and 1 more item.');
    expect(second).not.toBe(first);
  });

  it('offers no discount', () => {
    // Act
    const lines = [1, 2].map((n) => defaultLine(sampleCart(), n as 1 | 2, sampleRules()));

    // Assess
    for (const line of lines) expect(line).not.toMatch(/%|discount|off your|free|coupon|code/i);
  });

  it('shortens a long title to keep the line a line', () => {
    // Prepare
    const cart = sampleCart({
      snapshot: { items: [item({ title: `${'Very long title '.repeat(20)}end` })] },
    });

    // Act
    const line = defaultLine(cart, 1, sampleRules());

    // Assess
    expect(line).toContain('Very long title Very long title Very long title Very long…');
    expect(line).not.toContain('end in your cart');
    expect(line).not.toMatch(/\n/);
  });
});

describe('lineTemplate', () => {
  it('writes a friendly first template and a warmer second one, both naming the store on one line', () => {
    // Prepare
    const rules = sampleRules({ store: { name: 'Acme\r\nOutfitters' } });

    // Act
    const first = lineTemplate(1, rules);
    const second = lineTemplate(2, rules);

    // Assess
    expect(first).toBe(
      'Still in your cart at Acme Outfitters: {items}. We kept everything for you, so you can pick up right where you left off.',
    );
    expect(second).toBe(
      'Saved for you at Acme Outfitters: {items}. Whenever you are ready, it is all just one click away.',
    );
    // No line invites a reply: the email may have no Reply-To.
    expect(`${first} ${second}`).not.toMatch(/reply/i);
  });
});

describe('fillLine', () => {
  const titled = (...titles: string[]) =>
    sampleCart({ snapshot: { items: titles.map((title, i) => item({ sku: `S${i}`, title })) } });

  it('names the only item of a one-item cart alone', () => {
    // Act
    const line = fillLine('[{items}]', titled('Camp Mug'));

    // Assess
    expect(line).toBe('[Camp Mug]');
  });

  it('counts one more item in the singular and two in the plural', () => {
    // Act
    const two = fillLine('[{items}]', titled('Camp Mug', 'Stove'));
    const three = fillLine('[{items}]', titled('Camp Mug', 'Stove', 'Tent'));

    // Assess
    expect(two).toBe('[Camp Mug and 1 more item]');
    expect(three).toBe('[Camp Mug and 2 more items]');
  });

  it('names a few items when the cart is empty or its contents are unknown', () => {
    // Act
    const empty = fillLine('[{items}]', titled());
    const unknown = fillLine('[{items}]', sampleCart({ snapshot: null }));

    // Assess
    expect(empty).toBe('[a few items]');
    expect(unknown).toBe('[a few items]');
  });

  it('fills the first {items} placeholder only, and a title with $ patterns literally', () => {
    // Act
    const line = fillLine('{items}, again {items}', titled('Deal $& $1 $$ $`'));

    // Assess
    expect(line).toBe('Deal $& $1 $$ $`, again {items}');
  });

  it('folds newlines in the title into spaces', () => {
    // Act
    const line = fillLine('[{items}]', titled(FOLDED_IN));

    // Assess
    expect(line).toBe(`[${FOLDED_OUT}]`);
  });

  it('keeps a title of 60 characters whole', () => {
    // Prepare
    const title = `${'Sixty chars '.repeat(4)}exactly here`;

    // Act
    const line = fillLine('[{items}]', titled(title));

    // Assess
    expect(title).toHaveLength(60);
    expect(line).toBe(`[${title}]`);
  });

  it('keeps a title of 60 characters whole when some of them take two UTF-16 code units', () => {
    // Prepare: 60 characters, 90 code units
    const title = `Tent ${'🏔'.repeat(30)} ${'⛺'.repeat(24)}`;

    // Act
    const line = fillLine('[{items}]', titled(title));

    // Assess
    expect(Array.from(title)).toHaveLength(60);
    expect(line).toBe(`[${title}]`);
  });

  it('shortens a longer title at its last word break past the middle, with an ellipsis', () => {
    // Prepare: the last space of the first 60 characters is the 55th
    const title = `${'word '.repeat(11)}longword tail`;

    // Act
    const line = fillLine('[{items}]', titled(title));

    // Assess
    expect(line).toBe(`[${'word '.repeat(10)}word…]`);
  });

  it('drops every space before the ellipsis', () => {
    // Prepare: two spaces before the last word break
    const title = `${'word '.repeat(10)}xx  longword tail`;

    // Act
    const line = fillLine('[{items}]', titled(title));

    // Assess
    expect(line).toBe(`[${'word '.repeat(10)}xx…]`);
  });

  it('cuts a title hard at 59 characters with an ellipsis when no word break is past the middle', () => {
    // Prepare: one word of 70 letters, and one whose only space is the 31st character, the exact middle
    const oneWord = 'a'.repeat(70);
    const earlyBreak = `${'b'.repeat(30)} ${'c'.repeat(40)}`;

    // Act
    const lines = [oneWord, earlyBreak].map((title) => fillLine('[{items}]', titled(title)));

    // Assess
    expect(lines).toEqual([`[${'a'.repeat(59)}…]`, `[${'b'.repeat(30)} ${'c'.repeat(28)}…]`]);
  });

  it('counts characters, not UTF-16 code units, and never cuts one in half', () => {
    // Act
    const line = fillLine('[{items}]', titled('⛺'.repeat(30) + '🏔'.repeat(40)));

    // Assess
    expect(line).toBe(`[${'⛺'.repeat(30)}${'🏔'.repeat(29)}…]`);
  });
});

describe('reminderLanguage', () => {
  it("writes to a cart without contents in the store's language", () => {
    expect(reminderLanguage(sampleCart({ snapshot: null }), sampleRules({ store: { language: 'de' } }))).toBe(
      'de',
    );
  });
});

describe('relativeLuminance', () => {
  it('gives the WCAG luminance of black, white, a mid grey and each primary', () => {
    expect(relativeLuminance('#000000')).toBe(0);
    expect(relativeLuminance('#ffffff')).toBe(1);
    expect(relativeLuminance('#808080')).toBeCloseTo(0.2158605, 7);
    expect(relativeLuminance('#ff0000')).toBeCloseTo(0.2126, 10);
    expect(relativeLuminance('#00ff00')).toBeCloseTo(0.7152, 10);
    expect(relativeLuminance('#0000ff')).toBeCloseTo(0.0722, 10);
  });

  it('is linear in the darkest channel values, below the sRGB curve', () => {
    expect(relativeLuminance('#010101')).toBeCloseTo(0.000303527, 9);
    expect(relativeLuminance('#0a0a0a')).toBeCloseTo(0.00303527, 8);
  });
});

describe('textColourOn', () => {
  it('writes near-black on a mid grey, where it reads better than white', () => {
    expect(textColourOn('#808080')).toBe('#111827');
  });
});

describe('toneFor', () => {
  it('gives the first tone to the first reminder and the second to the second', () => {
    // Act and Assess
    expect(toneFor(1)).toBe('first');
    expect(toneFor(2)).toBe('second');
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and quoted attributes', () => {
    // Act
    const escaped = escapeHtml(`<a href="x" title='y'>&</a>`);

    // Assess
    expect(escaped).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it.each([
    ['&', '&amp;'],
    ['<', '&lt;'],
    ['>', '&gt;'],
    ['"', '&quot;'],
    ["'", '&#39;'],
  ])('escapes %s as %s, amid plain text and on its own', (special, escaped) => {
    // Act and Assess
    expect(escapeHtml(`a${special}b`)).toBe(`a${escaped}b`);
    expect(escapeHtml(special)).toBe(escaped);
  });

  it('returns plain text unchanged', () => {
    // Act and Assess
    expect(escapeHtml('Trail Runner Shoes 42')).toBe('Trail Runner Shoes 42');
  });
});

describe('composeReminder, in the shopper’s language with the owner’s words and offer', () => {
  const compose = (change: {
    cart?: Partial<CartSnapshot>;
    rules?: Record<string, unknown>;
    n?: 1 | 2;
    now?: Date;
  }) =>
    composeReminder({
      cart: sampleCart({ snapshot: change.cart ?? {} }),
      n: change.n ?? 2,
      rules: sampleRules(change.rules ?? {}),
      unsubscribeUrl: UNSUBSCRIBE_URL,
      now: change.now ?? NOW,
    });
  const DISCOUNT = { code: 'THANKS10', description: '10% off your order' };

  it('writes to a shopper whose locale has no catalogue in the store’s language, else in English', () => {
    // Act
    const store = compose({ cart: { locale: 'ja-JP' }, rules: { store: { language: 'nl' } } });
    const none = compose({ cart: { locale: 'ja-JP' } });

    // Assess
    expect(store.language).toBe('nl');
    expect(store.subject).toBe('Twijfel je nog? Je winkelwagen bij Acme Outfitters staat klaar');
    expect(none.language).toBe('en');
  });

  it('greets the shopper by first name when the cart has one', () => {
    expect(compose({ cart: { firstName: 'Ann' } }).text).toMatch(/^Hi Ann,\n/);
    expect(compose({ cart: { firstName: 'Jörg', locale: 'de-DE' } }).text).toMatch(/^Hallo Jörg,\n/);
    expect(compose({}).text).toMatch(/^Hello,\n/);
    expect(compose({ cart: { firstName: '<b>Ann</b>' } }).html).toContain('Hi &lt;b&gt;Ann&lt;/b&gt;,');
  });

  it('invites a reply only when the store has a reply-to address, and then gives it', () => {
    // Act
    const without = compose({});
    const withReply = compose({ rules: { store: { replyTo: 'help@acme.example' } } });

    // Assess
    expect(`${without.text}${without.html}`).not.toMatch(/reply/i);
    expect(without).not.toHaveProperty('replyTo');
    expect(withReply.replyTo).toBe('help@acme.example');
    expect(withReply.text).toContain('Have a question before you order? Just reply to this email.');
  });

  it('colours the button in the accent colour with text that reads on it', () => {
    // Act
    const dark = compose({ rules: { store: { accentColor: '#0F766E' } } }).html;
    const light = compose({ rules: { store: { accentColor: '#fde68a' } } }).html;

    // Assess
    expect(dark).toContain('bgcolor="#0f766e"');
    expect(dark).toMatch(/color:#ffffff;text-decoration:none;border-radius:6px;">Complete your order/);
    expect(light).toMatch(/color:#111827;text-decoration:none;border-radius:6px;">Complete your order/);
    expect(textColourOn('#000000')).toBe('#ffffff');
    expect(textColourOn('#ffffff')).toBe('#111827');
  });

  it('shows the logo in place of the store name, and links the store website in the footer', () => {
    // Act
    const { html, text } = compose({
      rules: { store: { logoUrl: 'https://cdn.acme.example/logo.png', url: 'https://acme.example' } },
    });

    // Assess
    expect(html).toContain('<img src="https://cdn.acme.example/logo.png" alt="Acme Outfitters" height="40"');
    expect(html).toContain('<a href="https://acme.example" target="_blank"');
    expect(text).toContain('--\nAcme Outfitters\nhttps://acme.example\n1 Main Street');
  });

  it('shows the discount code in the second reminder only, by default', () => {
    // Act
    const first = compose({ n: 1, rules: { discount: DISCOUNT } });
    const second = compose({ n: 2, rules: { discount: DISCOUNT } });

    // Assess
    expect(`${first.html}${first.text}`).not.toContain('THANKS10');
    expect(second.html).toMatch(/class="cr-code"[\s\S]*THANKS10/);
    expect(second.text).toContain(
      'A little thank-you for coming back: 10% off your order. Use this code at checkout:\nYour code: THANKS10\n',
    );
  });

  it('shows the discount in the reminders the owner chose', () => {
    const both = { discount: { ...DISCOUNT, reminders: 'both' } };
    const first = { discount: { ...DISCOUNT, reminders: 'first' } };
    expect(compose({ n: 1, rules: both }).text).toContain('THANKS10');
    expect(compose({ n: 2, rules: both }).text).toContain('THANKS10');
    expect(compose({ n: 1, rules: first }).text).toContain('THANKS10');
    expect(compose({ n: 2, rules: first }).text).not.toContain('THANKS10');
  });

  it('hides the discount after its last day in the store’s zone, and names that day until then', () => {
    // Prepare: the store is in New York; 2026-07-01T03:59Z is still June 30 there.
    const rules = { discount: { ...DISCOUNT, expires: '2026-06-30' } };

    // Act
    const lastDay = compose({ rules, now: new Date('2026-07-01T03:59:00Z') });
    const after = compose({ rules, now: new Date('2026-07-01T04:00:00Z') });
    const german = compose({ rules, cart: { locale: 'de-DE' }, now: new Date('2026-06-30T12:00:00Z') });

    // Assess
    expect(lastDay.text).toContain('THANKS10\nValid until June 30, 2026.');
    expect(`${after.html}${after.text}`).not.toContain('THANKS10');
    expect(german.text).toContain('Gültig bis 30. Juni 2026.');
  });

  it('offers the discount only to carts at or above its minimum total, and says so', () => {
    const rules = { discount: { ...DISCOUNT, minTotal: 178.5 } };
    expect(compose({ rules }).text).toContain('On orders of $178.50 or more.');
    expect(compose({ rules, cart: { total: '178.49' } }).text).not.toContain('THANKS10');
  });

  it('writes a minimum total with cents as it is', () => {
    const rules = { discount: { ...DISCOUNT, minTotal: 100.25 } };
    expect(compose({ rules }).text).toContain('On orders of $100.25 or more.');
  });

  it('leaves unsaid a minimum total it cannot write as a decimal, and still offers the code', () => {
    // Act
    const tiny = compose({ rules: { discount: { ...DISCOUNT, minTotal: 1e-7 } } });
    const huge = compose({
      rules: { discount: { ...DISCOUNT, minTotal: 1e21 } },
      cart: { total: '1000000000000000000000.00' },
    });

    // Assess
    for (const { text } of [tiny, huge]) {
      expect(text).toContain('Your code: THANKS10\n');
      expect(text).not.toContain('On orders of');
    }
  });

  it('closes the code box right after the code when the offer has no terms', () => {
    expect(compose({ rules: { discount: DISCOUNT } }).html).toContain('THANKS10</p>\n</td></tr></table>');
  });

  it('uses the owner’s first subject and opening line in the first reminder', () => {
    // Prepare
    const rules = sampleRules({
      messages: { en: { firstSubject: 'Your {store} cart', firstOpening: 'Back at {store}: {items}.' } },
    });

    // Act
    const first = composeReminder({
      cart: sampleCart(),
      n: 1,
      rules,
      unsubscribeUrl: UNSUBSCRIBE_URL,
      now: NOW,
    });

    // Assess
    expect(ownOpening(1, rules, 'en')).toBe('Back at Acme Outfitters: {items}.');
    expect(first.subject).toBe('Your Acme Outfitters cart');
    expect(first.text).toContain('Back at Acme Outfitters: Trail Runner Shoes and 1 more item.');
  });

  it('uses the owner’s subject, opening line and discount words for the shopper’s language', () => {
    // Prepare
    const rules = {
      discount: DISCOUNT,
      messages: {
        de: {
          secondSubject: 'Noch da, bei {store}',
          secondOpening: 'Ihre Auswahl: {items}. Wir freuen uns auf Sie!',
          discount: '10 % Rabatt',
        },
      },
    };

    // Act
    const german = compose({ rules, cart: { locale: 'de-DE' } });
    const english = compose({ rules });

    // Assess
    expect(german.subject).toBe('Noch da, bei Acme Outfitters');
    expect(german.text).toContain(
      'Ihre Auswahl: Trail Runner Shoes und 1 weiterer Artikel. Wir freuen uns auf Sie!',
    );
    expect(german.text).toContain('Dankeschön für Ihre Rückkehr: 10 % Rabatt.');
    expect(english.subject).toBe('Still deciding? Your cart at Acme Outfitters is waiting');
    expect(english.text).toContain('coming back: 10% off your order.');
    expect(ownOpening(2, sampleRules(rules), 'de')).toBe('Ihre Auswahl: {items}. Wir freuen uns auf Sie!');
    expect(ownOpening(1, sampleRules(rules), 'de')).toBeUndefined();
  });

  it.each(LANGUAGES)('writes every visible part of a %s reminder from its catalogue', (language) => {
    // Act
    const { html, text, subject } = compose({ cart: { locale: language }, rules: { discount: DISCOUNT } });
    const words = CATALOGUES[language];

    // Assess
    expect(html).toContain(`<html lang="${language}"`);
    expect(subject).toBe(words.subject2.replace('{store}', 'Acme Outfitters'));
    for (const part of [words.heading2, words.button2, words.unsubscribe, words.discountCodeLabel]) {
      expect(html).toContain(escapeHtml(part));
    }
    expect(text).toContain(words.labelValue.replace('{label}', words.total).replace(' {value}', ' '));
    expect(text).toContain(words.textUnsubscribe);
  });
});
