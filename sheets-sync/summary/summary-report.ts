/**
 * The monthly summary as a designed page: the local stand-in for the owner's Google Doc (`npm start`
 * writes it under `.data/summary/`). The same words, figures and chart as the Doc: a headline, the
 * few figures that matter most as cards, the model's (or code's) paragraphs, the day-by-day chart as
 * inline SVG, and the full figures table. Pure: page in, HTML out; every text escaped.
 */
import { escapeHtml } from '#engine/domain/reminder-message.js';
import type { DayPoint } from './monthly-figures.js';
import type { SummaryPage } from './monthly-summary.js';

/** The chart's three series, in drawing order, with their colours (readable for common colour blindness). */
export const CHART_SERIES = [
  { key: 'abandoned', label: 'Abandoned', colour: '#94a3b8' },
  { key: 'reminded', label: 'Reminded', colour: '#2563eb' },
  { key: 'recovered', label: 'Recovered', colour: '#059669' },
] as const satisfies readonly { key: keyof Omit<DayPoint, 'day'>; label: string; colour: string }[];

const WIDTH = 760;
const HEIGHT = 300;
const PAD = { top: 16, right: 12, bottom: 40, left: 40 };

/** A round step for about four gridlines up to `max`. */
function gridStep(max: number): number {
  const rough = Math.max(1, max) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? rough;
  return Math.max(1, Math.round(step));
}

/**
 * Carts abandoned, reminded and recovered by day as an SVG bar chart: a group of three bars a day,
 * gridlines with their counts, a day label every few days, and a legend. Scales to its container.
 * @example chartSvg(figures.days, 'Carts abandoned, reminded and recovered, day by day')
 */
export function chartSvg(series: readonly DayPoint[], title: string): string {
  const max = Math.max(1, ...series.flatMap((d) => CHART_SERIES.map((s) => d[s.key])));
  const step = gridStep(max);
  const top = Math.ceil(max / step) * step;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const slot = plotW / Math.max(1, series.length);
  const bar = Math.max(1, (slot * 0.8) / CHART_SERIES.length);
  const out: string[] = [];
  for (let v = 0; v <= top; v += step) {
    out.push(
      `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e7eb"/>`,
      `<text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" class="axis">${v}</text>`,
    );
  }
  const labelEvery = Math.max(1, Math.ceil(series.length / 10));
  series.forEach((point, i) => {
    const x0 = PAD.left + i * slot + slot * 0.1;
    CHART_SERIES.forEach((s, j) => {
      const value = point[s.key];
      if (value === 0) return;
      out.push(
        `<rect class="bar bar-${s.key}" x="${(x0 + j * bar).toFixed(1)}" y="${y(value).toFixed(1)}" width="${bar.toFixed(1)}" height="${(y(0) - y(value)).toFixed(1)}" fill="${s.colour}" rx="1"><title>${escapeHtml(point.day)}: ${value} ${s.label.toLowerCase()}</title></rect>`,
      );
    });
    if (i % labelEvery === 0) {
      out.push(
        `<text x="${(PAD.left + i * slot + slot / 2).toFixed(1)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle" class="axis">${Number(point.day.slice(8, 10))}</text>`,
      );
    }
  });
  const legend = CHART_SERIES.map(
    (s, j) =>
      `<g transform="translate(${PAD.left + j * 120},${HEIGHT - 10})"><rect width="12" height="12" y="-10" fill="${s.colour}" rx="2"/><text x="18" class="legend">${s.label}</text></g>`,
  ).join('');
  return [
    `<svg role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">`,
    `<title>${escapeHtml(title)}</title>`,
    '<style>.axis{font:11px system-ui,sans-serif;fill:#6b7280}.legend{font:12px system-ui,sans-serif;fill:#374151}</style>',
    `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(0)}" y2="${y(0)}" stroke="#9ca3af"/>`,
    ...out,
    legend,
    '</svg>',
  ].join('');
}

const STYLE = `
:root{--ink:#111827;--muted:#6b7280;--line:#e5e7eb;--accent:#2563eb;--card:#f8fafc}
*{box-sizing:border-box}
body{margin:0;background:#f3f4f6;color:var(--ink);font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:880px;margin:0 auto;padding:32px 20px 48px;background:#fff;min-height:100vh}
header{border-bottom:3px solid var(--accent);padding-bottom:12px;margin-bottom:24px}
.kicker{margin:0;color:var(--accent);font-size:13px;font-weight:600;letter-spacing:.08em;text-transform:uppercase}
h1{margin:4px 0 0;font-size:28px;line-height:1.2;overflow-wrap:anywhere}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:12px;margin:0 0 24px;padding:0;list-style:none}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;min-width:0}
.card .label{margin:0;color:var(--muted);font-size:13px}
.card .value{margin:4px 0 0;font-size:22px;font-weight:650;overflow-wrap:anywhere}
.prose p{margin:0 0 12px;max-width:68ch}
figure{margin:28px 0;padding:16px;border:1px solid var(--line);border-radius:10px}
figcaption{margin-top:8px;color:var(--muted);font-size:14px}
h2{font-size:18px;margin:32px 0 8px}
table{width:100%;border-collapse:collapse;font-size:15px;table-layout:fixed}
td{padding:8px 10px;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:anywhere}
td:last-child{text-align:right;font-variant-numeric:tabular-nums;width:42%}
tr:nth-child(even) td{background:#fafafa}
footer{margin-top:28px;color:var(--muted);font-size:13px}
footer a{color:var(--accent)}
@media (max-width:520px){h1{font-size:22px}.card .value{font-size:19px}td:last-child{width:50%}}
`;

/**
 * The whole page. `extra` is trusted HTML for the footer (the local page's link to its CSV).
 * @example summaryReportHtml(page, '<a href="2026-10-chart.csv">The series as CSV</a>')
 */
export function summaryReportHtml(page: SummaryPage, extra = ''): string {
  const caption = page.chart?.caption ?? 'Carts abandoned, reminded and recovered, day by day';
  const cards = page.highlights
    .map(
      (h) =>
        `<li class="card"><p class="label">${escapeHtml(h.label)}</p><p class="value">${escapeHtml(h.value)}</p></li>`,
    )
    .join('');
  const rows = page.table
    .map((r) => `<tr><td>${escapeHtml(r.label)}</td><td>${escapeHtml(r.value)}</td></tr>`)
    .join('');
  return [
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(page.title)}</title><style>${STYLE}</style></head><body><main>`,
    `<header><p class="kicker">Monthly summary</p><h1>${escapeHtml(page.title)}</h1></header>`,
    `<ul class="cards">${cards}</ul>`,
    `<section class="prose">${page.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('')}</section>`,
    `<figure>${chartSvg(page.series, caption)}<figcaption>${escapeHtml(caption)}</figcaption></figure>`,
    `<h2>The figures</h2><table><tbody>${rows}</tbody></table>`,
    `<footer>${extra}</footer>`,
    '</main></body></html>',
  ].join('');
}
