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

function measure(page: Page, button: string): Promise<Measured> {
  return page.evaluate(
    ({ buttonText, longWord }) => {
      const rgb = (css: string) => {
        const m = /rgba?\(([\d.]+), ([\d.]+), ([\d.]+)(?:, ([\d.]+))?\)/.exec(css);
        return m ? { r: +m[1]!, g: +m[2]!, b: +m[3]!, a: m[4] === undefined ? 1 : +m[4] } : undefined;
      };
      const luminance = (c: { r: number; g: number; b: number }) => {
        const ch = (v: number) => {
          const s = v / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
      };
      const backgroundOf = (el: Element | null): { r: number; g: number; b: number } => {
        for (let node = el; node; node = node.parentElement) {
          const bg = rgb(getComputedStyle(node).backgroundColor);
          if (bg && bg.a > 0.5) return bg;
        }
        // The canvas: dark when the page asks for dark and the reader prefers it.
        return matchMedia('(prefers-color-scheme: dark)').matches
          ? { r: 18, g: 18, b: 18 }
          : { r: 255, g: 255, b: 255 };
      };
      const viewport = document.documentElement.clientWidth;
      const sticking: string[] = [];
      const lowContrast: string[] = [];
      let texts = 0;
      for (const el of Array.from(document.body.querySelectorAll('*'))) {
        const rect = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        if (rect.width === 0 || rect.height === 0 || style.visibility === 'hidden' || style.opacity === '0')
          continue;
        if (rect.right > viewport + 0.5 || rect.left < -0.5)
          sticking.push(`${el.tagName}: ${el.textContent?.slice(0, 40)}`);
        const ownText = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent?.trim());
        if (!ownText) continue;
        texts += 1;
        const fg = rgb(style.color);
        if (!fg) continue;
        const bg = backgroundOf(el);
        const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a) as [number, number];
        const ratio = (hi + 0.05) / (lo + 0.05);
        const size = Number.parseFloat(style.fontSize);
        const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
        if (ratio < (large ? 3 : 4.5))
          lowContrast.push(`${ratio.toFixed(2)} ${el.tagName} "${el.textContent?.trim().slice(0, 30)}"`);
      }
      const link = Array.from(document.querySelectorAll('a')).find(
        (a) => a.textContent?.trim() === buttonText,
      );
      // Scrolled to, as a reader would: nothing may cover it there.
      link?.scrollIntoView({ block: 'center' });
      const box = link?.getBoundingClientRect();
      const center = box
        ? document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2)
        : null;
      const long = Array.from(document.querySelectorAll('span, a')).find(
        (e) => e.textContent === document.title && false,
      );
      void long;
      const wordEl = Array.from(document.querySelectorAll('span')).find((s) => s.textContent === longWord);
      const lineHeight = wordEl ? Number.parseFloat(getComputedStyle(wordEl).lineHeight) || 22 : 22;
      return {
        viewport,
        scrollWidth: document.documentElement.scrollWidth,
        sticking,
        button: {
          visible: Boolean(box && box.width > 0 && box.height > 0),
          top: box?.top ?? -1,
          bottom: box?.bottom ?? -1,
          left: box?.left ?? -1,
          right: box?.right ?? -1,
          onTop: Boolean(center && link && (center === link || link.contains(center))),
        },
        lowContrast,
        texts,
        images: Array.from(document.images).map((img) => ({
          src: img.getAttribute('src') ?? '',
          loaded: img.complete && img.naturalWidth > 0,
          width: img.getBoundingClientRect().width,
        })),
        longWordLines: wordEl ? Math.round(wordEl.getBoundingClientRect().height / lineHeight) : 0,
      };
    },
    { buttonText: button, longWord: LONG_WORD },
  );
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
