import { describe, expect, it } from 'vitest';
import type { CartItem } from '#engine/domain/cart-event.js';
import { ValidationError } from '#engine/domain/errors.js';
import { composeReminder, defaultLine, escapeHtml, toneFor } from '#engine/domain/reminder-message.js';
import { sampleCart, sampleRules } from '#test/fakes/sample-cart.js';

const UNSUBSCRIBE_URL = 'https://acme.example/unsubscribe/tok_abc123';
const NBSP = '\u00a0';

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
    const { html } = composeReminder({ cart, n: 1, rules: sampleRules(), unsubscribeUrl: UNSUBSCRIBE_URL });

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
    });

    // Assess
    for (const part of [html, text]) {
      expect(part).toContain('Trail Runner Shoes');
      expect(part).toContain('Merino Hiking Socks');
      expect(part).toContain('$129.00');
      expect(part).toContain('$24.75');
      expect(part).toContain('$178.50');
    }
    expect(text).toContain('- Merino Hiking Socks (quantity 2): $24.75');
    expect(text).toContain('Total: $178.50');
    expect(html).toContain('Quantity: 2');
  });

  it('writes euros the de-DE way for a German cart while the texts stay English', () => {
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
    });

    // Assess
    expect(html).toContain(`1.234,50${NBSP}€`);
    expect(html).toContain(`25,40${NBSP}€`);
    expect(text).toContain(`Total: 1.259,90${NBSP}€`);
    expect(subject).toBe('You left something in your cart at Acme Outfitters');
    expect(text).toContain('Return to your cart');
  });

  it('writes money the en-US way in the cart currency when the cart has no locale', () => {
    // Prepare
    const cart = sampleCart({ snapshot: { currency: 'EUR', locale: undefined, total: '1234.5' } });

    // Act
    const { text } = composeReminder({ cart, n: 1, rules: sampleRules(), unsubscribeUrl: UNSUBSCRIBE_URL });

    // Assess
    expect(text).toContain('Total: €1,234.50');
  });

  it('names the store in a friendly first subject and a different, warmer second one', () => {
    // Prepare
    const input = { cart: sampleCart(), rules: sampleRules(), unsubscribeUrl: UNSUBSCRIBE_URL };

    // Act
    const first = composeReminder({ ...input, n: 1 });
    const second = composeReminder({ ...input, n: 2 });

    // Assess
    expect(first.subject).toBe('You left something in your cart at Acme Outfitters');
    expect(second.subject).toBe('Still thinking it over? Your cart at Acme Outfitters is waiting');
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
    });

    // Assess
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('max-width:600px');
    expect(html).toContain('role="presentation"');
    expect(html).toMatch(
      /<div style="display:none;[^"]*">Your cart at Acme Outfitters is saved and ready when you are\./,
    );
    expect(html).not.toMatch(/<(style|link|script)\b/i);
  });

  it('writes a plain-text part with every link, the store and its address', () => {
    // Act
    const { text } = composeReminder({
      cart: sampleCart(),
      n: 1,
      rules: sampleRules(),
      unsubscribeUrl: UNSUBSCRIBE_URL,
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
      line: 'Your trail gear is ready when you are.',
    });

    // Assess
    expect(text).toContain('Hi there,\n\nYour trail gear is ready when you are.\n');
    expect(text).not.toContain('Looks like you left');
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
    });

    // Assess
    expect(text).toContain('Item number 10');
    expect(text).not.toContain('Item number 11');
    expect(text).toContain('- and 2 more items');
    expect(html).toContain('and 2 more items in your cart');
  });

  it('refuses a cart without contents and unsafe links', () => {
    // Prepare
    const input = {
      cart: sampleCart(),
      n: 1 as const,
      rules: sampleRules(),
      unsubscribeUrl: UNSUBSCRIBE_URL,
    };

    // Act and Assess
    expect(() => composeReminder({ ...input, cart: sampleCart({ snapshot: null }) })).toThrow(
      ValidationError,
    );
    expect(() => composeReminder({ ...input, unsubscribeUrl: 'javascript:alert(1)' })).toThrow(
      ValidationError,
    );
    expect(() =>
      composeReminder({ ...input, unsubscribeUrl: 'https://a.example/u>\r\nBcc: x@y.example' }),
    ).toThrow(ValidationError);
    expect(() =>
      composeReminder({ ...input, cart: sampleCart({ snapshot: { returnUrl: 'ftp://acme.example/cart' } }) }),
    ).toThrow(ValidationError);
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
      'Looks like you left Trail Runner Shoes and 1 more item in your cart at Acme Outfitters. We saved your cart, so you can pick up right where you left off.',
    );
    expect(second).toContain(
      'Your cart at Acme Outfitters still has Trail Runner Shoes and 1 more item waiting',
    );
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

  it('returns plain text unchanged', () => {
    // Act and Assess
    expect(escapeHtml('Trail Runner Shoes 42')).toBe('Trail Runner Shoes 42');
  });
});

describe('composeReminder, the message object', () => {
  it('is plain data: a spread or a structured clone keeps every part', () => {
    // Act
    const message = composeReminder({
      cart: sampleCart(),
      n: 1,
      rules: sampleRules(),
      unsubscribeUrl: UNSUBSCRIBE_URL,
    });

    // Assess
    expect(Object.keys(message).sort()).toEqual(['headers', 'html', 'subject', 'text']);
    expect({ ...message }).toEqual(message);
    expect(structuredClone(message)).toEqual(message);
    expect(message.text).toContain('Hi there');
  });

  it('holds nothing of the cart but what the shopper reads: no email address', () => {
    // Act
    const message = composeReminder({
      cart: sampleCart(),
      n: 2,
      rules: sampleRules(),
      unsubscribeUrl: UNSUBSCRIBE_URL,
    });

    // Assess
    expect(JSON.stringify(message)).not.toContain('@example.com');
  });

  it('refuses an unsubscribe URL unfit for a header', () => {
    // Act / Assess
    for (const unsubscribeUrl of ['https://acme.example/u u', 'https://acme.example/<u>', 'mailto:x']) {
      expect(() =>
        composeReminder({ cart: sampleCart(), n: 1, rules: sampleRules(), unsubscribeUrl }),
      ).toThrow(ValidationError);
    }
  });
});
