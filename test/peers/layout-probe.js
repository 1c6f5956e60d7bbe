/**
 * Runs in the page (headless Chromium), loaded by the reminder's render test: measures what a reader
 * sees. Plain browser JavaScript, so the Node-typed test code needs no DOM types.
 */
globalThis.layoutProbe = ({ buttonText, longWord }) => {
  const rgb = (css) => {
    const m = /rgba?\(([\d.]+), ([\d.]+), ([\d.]+)(?:, ([\d.]+))?\)/.exec(css);
    return m ? { r: +m[1], g: +m[2], b: +m[3], a: m[4] === undefined ? 1 : +m[4] } : undefined;
  };
  const luminance = (c) => {
    const ch = (v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
  };
  const backgroundOf = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const bg = rgb(getComputedStyle(node).backgroundColor);
      if (bg && bg.a > 0.5) return bg;
    }
    // The canvas: dark when the page allows dark and the reader prefers it.
    return matchMedia('(prefers-color-scheme: dark)').matches
      ? { r: 18, g: 18, b: 18 }
      : { r: 255, g: 255, b: 255 };
  };
  const viewport = document.documentElement.clientWidth;
  const sticking = [];
  const lowContrast = [];
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
    const [hi, lo] = [luminance(fg), luminance(backgroundOf(el))].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = Number.parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5))
      lowContrast.push(`${ratio.toFixed(2)} ${el.tagName} "${el.textContent?.trim().slice(0, 30)}"`);
  }
  const link = Array.from(document.querySelectorAll('a')).find((a) => a.textContent?.trim() === buttonText);
  // Scrolled to, as a reader would: nothing may cover it there.
  link?.scrollIntoView({ block: 'center' });
  const box = link?.getBoundingClientRect();
  const center = box ? document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2) : null;
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
};
