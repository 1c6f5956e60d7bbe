/**
 * The day-by-day chart as a PNG, for the Google Doc: the Docs API inserts images only from a PNG,
 * JPEG or GIF it fetches (no SVG), and no image library is installed, so the bars are drawn into
 * pixels here and encoded with zlib (PNG, RFC 2083: signature, IHDR, one IDAT, IEND). No text: the
 * Doc's caption under the image names the series and their colours. Pure: series in, bytes out.
 */
import { deflateSync } from 'node:zlib';
import type { DayPoint } from './monthly-figures.js';
import { CHART_SERIES } from './summary-report.js';

export const CHART_PNG_WIDTH = 1200;
export const CHART_PNG_HEIGHT = 480;
const PAD = { top: 24, right: 24, bottom: 24, left: 24 };

type Rgb = [number, number, number];

function rgb(hex: string): Rgb {
  return [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}

/**
 * The chart as PNG bytes: a group of three bars a day (abandoned, reminded, recovered, in the
 * colours of {@link CHART_SERIES}), light gridlines at round steps, on white.
 */
export function chartPng(series: readonly DayPoint[]): Buffer {
  const w = CHART_PNG_WIDTH;
  const h = CHART_PNG_HEIGHT;
  const pixels = Buffer.alloc(w * h * 3, 255);
  const fill = (x0: number, y0: number, x1: number, y1: number, colour: Rgb) => {
    for (let y = Math.max(0, Math.round(y0)); y < Math.min(h, Math.round(y1)); y++) {
      for (let x = Math.max(0, Math.round(x0)); x < Math.min(w, Math.round(x1)); x++) {
        const at = (y * w + x) * 3;
        pixels[at] = colour[0];
        pixels[at + 1] = colour[1];
        pixels[at + 2] = colour[2];
      }
    }
  };
  const max = Math.max(1, ...series.flatMap((d) => CHART_SERIES.map((s) => d[s.key])));
  const plotH = h - PAD.top - PAD.bottom;
  const plotW = w - PAD.left - PAD.right;
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  for (let i = 0; i <= 4; i++)
    fill(PAD.left, y((max * i) / 4), w - PAD.right, y((max * i) / 4) + 1, rgb('#e5e7eb'));
  const slot = plotW / Math.max(1, series.length);
  const bar = (slot * 0.8) / CHART_SERIES.length;
  series.forEach((point, i) => {
    CHART_SERIES.forEach((s, j) => {
      const x = PAD.left + i * slot + slot * 0.1 + j * bar;
      fill(x, y(point[s.key]), x + Math.max(1, bar - 1), y(0), rgb(s.colour));
    });
  });
  fill(PAD.left, y(0), w - PAD.right, y(0) + 2, rgb('#9ca3af'));
  return encodePng(pixels, w, h);
}

/** 8-bit RGB pixels (row by row) as a PNG file. */
export function encodePng(pixels: Buffer, width: number, height: number): Buffer {
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    // Filter type 0 (none) before each row.
    pixels.copy(rows, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body), 0);
  return Buffer.concat([length, body, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 as PNG computes it over a chunk's type and data (ISO 3309). */
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
