/**
 * The reminder as a shopper's mail app shows it: each language's HTML rendered by headless Chromium
 * at a phone's width (360 px) and a desktop pane's (800 px), in light and dark mode, with item
 * images and without. Nothing may stick out sideways, the button must be on screen, every visible
 * text must meet WCAG contrast against what is behind it, and long German words and item names
 * must wrap.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CartItem } from '#engine/domain/cart-event.js';
import { LANGUAGES } from '#engine/domain/copy/catalogue.js';
import { CATALOGUES } from '#engine/domain/copy/language.js';
import { composeReminder } from '#engine/domain/reminder-message.js';
import { sampleCart, sampleRules } from '#test/fakes/sample-cart.js';
import { launchChromium } from '#test/peers/chromium.js';

const CDN = 'https://cdn.render.example';
const NOW = new Date('2026-06-10T16:00:00Z');
const LONG_WORD = 'Donaudampfschifffahrtsgesellschaftskapitänsmützenaufbewahrungsbox';
const LONG_NAME = `Wasserabweisende Dreilagen-Hardshell-Regenjacke „Gipfelstürmer“ mit ${LONG_WORD} und Unterarmbelüftungsreißverschlüssen, Größe XL, Farbe Tannengrün`;
// A square picture, as a product photo would be; served by the route below, not from the Internet.
const SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"><rect width="200" height="200" fill="#c2410c"/></svg>';

function items(withImages: boolean): CartItem[] {
  const image = (name: string) => (withImages ? `${CDN}/${name}.svg` : undefined);
  return [
    {
      sku: 'A',
      title: LONG_NAME,
      quantity: 1,
      price: '1289.00',
      imageUrl: image('a'),
      url: 'https://shop.example/a',
    },
    { sku: 'B', title: LONG_WORD, quantity: 12, price: '14.50', imageUrl: image('b'), url: undefined },
    { sku: 'C', title: 'Mug', quantity: 2, price: '9.99', imageUrl: undefined, url: undefined },
  ];
}

function reminderHtml(language: string, withImages: boolean): string {
  return composeReminder({
    cart: sampleCart({
      snapshot: {
        locale: language,
        currency: 'EUR',
        total: '1481.98',
        firstName: 'Maximiliane-Josephine',
        items: items(withImages),
      },
    }),
    n: 2,
    rules: sampleRules({
      store: {
        name: 'Berg & Tal Outdoor-Ausrüstungsfachgeschäft',
        replyTo: 'help@shop.example',
        url: 'https://shop.example',
        logoUrl: `${CDN}/logo.svg`,
        accentColor: '#0f766e',
      },
      discount: {
        code: 'DANKESCHOEN-WINTERSCHLUSSVERKAUF',
        description: '10% off your next order',
        minTotal: 50,
      },
    }),
    unsubscribeUrl: 'https://unsubscribe.example/u/tok_0123456789abcdefghijklmnopqrstuvwxyz',
    now: NOW,
  }).html;
}

/** What the page measures of itself: overflow, the button, and every visible text's contrast. */
interface Measured {
  viewport: number;
  scrollWidth: number;
  sticking: string[];
  button: { visible: boolean; top: number; bottom: number; left: number; right: number; onTop: boolean };
  lowContrast: string[];
  texts: number;
  images: { src: string; loaded: boolean; width: number }[];
  longWordLines: number;
}

const PROBE = new URL('../../peers/layout-probe.js', import.meta.url).pathname;

async function measure(page: Page, button: string): Promise<Measured> {
  await page.addScriptTag({ path: PROBE });
  return page.evaluate(`layoutProbe(${JSON.stringify({ buttonText: button, longWord: LONG_WORD })})`);
}

describe('the reminder in Chromium', () => {
  let profile: string;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    profile = await mkdtemp(join(tmpdir(), 'cr-render-'));
    browser = await launchChromium(profile);
    await browser.route('**/*', (route) =>
      route.request().url().startsWith(CDN)
        ? route.fulfill({ status: 200, contentType: 'image/svg+xml', body: SVG })
        : route.abort(),
    );
    page = browser.pages()[0] ?? (await browser.newPage());
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await rm(profile, { recursive: true, force: true });
  });

  const cases = LANGUAGES.flatMap((language) =>
    [360, 800].flatMap((width) =>
      (['light', 'dark'] as const).flatMap((scheme) =>
        [true, false].map((withImages) => ({ language, width, scheme, withImages })),
      ),
    ),
  );

  it.each(cases)(
    '$language at $width px, $scheme, images $withImages: nothing overflows, the button shows, every text reads',
    async ({ language, width, scheme, withImages }) => {
      // Prepare
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });

      // Act
      await page.setContent(reminderHtml(language, withImages), { waitUntil: 'load' });
      const seen = await measure(page, CATALOGUES[language as keyof typeof CATALOGUES].button2);

      // Assess
      expect(seen.viewport).toBe(width);
      expect(seen.scrollWidth).toBeLessThanOrEqual(width);
      expect(seen.sticking).toEqual([]);
      expect(seen.button.visible).toBe(true);
      expect(seen.button.onTop).toBe(true);
      expect(seen.button.left).toBeGreaterThanOrEqual(0);
      expect(seen.button.right).toBeLessThanOrEqual(width);
      expect(seen.texts).toBeGreaterThan(15);
      expect(seen.lowContrast).toEqual([]);
      // The 65-letter word wraps inside its cell rather than pushing the layout wider.
      expect(seen.longWordLines).toBeGreaterThan(width === 360 ? 1 : 0);
      const productImages = seen.images.filter((i) => !i.src.endsWith('logo.svg'));
      if (withImages) {
        expect(productImages.map((i) => [i.loaded, i.width])).toEqual([
          [true, 64],
          [true, 64],
        ]);
      } else {
        expect(productImages).toEqual([]);
      }
      expect(seen.images.find((i) => i.src.endsWith('logo.svg'))?.loaded).toBe(true);
    },
    30_000,
  );
});
