/**
 * Bundle size and cold module-load time of every Lambda handler, built exactly as the CDK app builds
 * them (`buildHandler` from infra/bundling/lambda-build.ts), two ways: with the AWS SDK bundled (what
 * is deployed) and with `@aws-sdk/*` + `@smithy/*` external (what using the Lambda runtime's SDK would
 * mean; here the external SDK loads from node_modules, as it would from the runtime's
 * /var/runtime/node_modules).
 *
 * Load time is the `await import()` of the bundle in a fresh Node process: the median of a few
 * processes (the machine is shared, so a mean would follow whatever else ran), with and without
 * `--enable-source-maps` (the deployed functions set it).
 *
 * Usage: `tsx bench/bundle-sizes.ts [--runs 5] [--handlers webhook,sender] [--google] [--analyze] [--json]`,
 * or `measureBundles()` from a bench runner. `--google` adds the Google functions (sheets-sync/);
 * `--analyze` prints what is in each bundle (esbuild's metafile, summed by package).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import type { Metafile } from 'esbuild';
import {
  buildHandler,
  HANDLERS,
  type HandlerName,
  isHandlerName,
  LAZY_PACKAGES,
  LAZY_SDK_MODULES,
  PROJECT_ROOT,
  type SdkMode,
  SHEETS_HANDLERS,
} from '../infra/bundling/lambda-build.js';

const run = promisify(execFile);

export type { SdkMode };

export interface BundleMeasurement {
  handler: HandlerName;
  sdk: SdkMode;
  /** Minified index.mjs, bytes: what every cold start loads. */
  bytes: number;
  /**
   * Lazy modules built beside it, loaded only on the path that imports them (stripe.mjs,
   * event-streams.mjs), bytes.
   */
  lazyBytes: number;
  /** index.mjs.map, bytes (shipped in the zip, read only with --enable-source-maps). */
  mapBytes: number;
  /** Median `await import()` time in ms over `runs` fresh processes. */
  loadMs: { withSourceMaps: number; withoutSourceMaps: number };
  /** Bytes in index.mjs by npm package (or by source folder for the project's own code). */
  byPackage: Record<string, number>;
}

/** The goal per handler (docs/DEPLOY.md, "Bundle size"). */
export const GOAL = { bytes: 500 * 1024, loadMs: 100 } as const;

const IMPORT_SCRIPT = [
  'const started = performance.now();',
  'const m = await import(process.argv[1]);',
  'if (typeof m.handler !== "function") throw new Error("no handler export");',
  'console.log(performance.now() - started);',
].join('\n');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Output bytes by npm package (`@aws-sdk/client-s3`, `zod`) or project folder (`engine/domain`). */
export function bytesByPackage(metafile: Metafile): Record<string, number> {
  const totals: Record<string, number> = {};
  // index.mjs alone: the lazy modules beside it are not what a cold start loads.
  for (const [path, output] of Object.entries(metafile.outputs)) {
    if (!path.endsWith('/index.mjs')) continue;
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
      const key = pkg ?? input.split('/').slice(0, 2).join('/');
      totals[key] = (totals[key] ?? 0) + bytesInOutput;
    }
  }
  return Object.fromEntries(Object.entries(totals).sort((a, b) => b[1] - a[1]));
}

/** Bytes of the lazy modules' files (not their maps) built beside a bundle (LAZY_PACKAGES, LAZY_SDK_MODULES). */
function lazyChunkBytes(metafile: Metafile): number {
  const files = [...Object.values(LAZY_PACKAGES), ...Object.values(LAZY_SDK_MODULES)];
  return Object.entries(metafile.outputs)
    .filter(([path]) => files.some((file) => path.endsWith(`/${file}`)))
    .reduce((total, [, output]) => total + output.bytes, 0);
}

async function loadMs(file: string, runs: number, sourceMaps: boolean): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { stdout } = await run(process.execPath, ['--input-type=module', '--eval', IMPORT_SCRIPT, file], {
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'us-east-1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...(sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
      },
      timeout: 30_000,
    });
    times.push(Number(stdout.trim().split('\n').at(-1)));
  }
  return median(times);
}

/**
 * Builds every handler both ways into a temporary directory and measures it.
 * @example const rows = await measureBundles({ runs: 3 });
 */
export async function measureBundles(
  options: { runs?: number; handlers?: readonly HandlerName[] } = {},
): Promise<BundleMeasurement[]> {
  const runs = options.runs ?? 5;
  const dir = await mkdtemp(join(tmpdir(), 'cart-recovery-bundles-'));
  // Lets an external `@aws-sdk/...` import resolve, the way the runtime's copy would.
  await symlink(join(PROJECT_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  try {
    const rows: BundleMeasurement[] = [];
    for (const sdk of ['bundled', 'external'] as const) {
      for (const handler of options.handlers ?? HANDLERS) {
        const outfile = join(dir, sdk, handler, 'index.mjs');
        const metafile = await buildHandler(handler, join(dir, sdk, handler), { sdk });
        rows.push({
          handler,
          sdk,
          bytes: (await stat(outfile)).size,
          lazyBytes: lazyChunkBytes(metafile),
          mapBytes: (await stat(`${outfile}.map`)).size,
          loadMs: {
            withSourceMaps: await loadMs(outfile, runs, true),
            withoutSourceMaps: await loadMs(outfile, runs, false),
          },
          byPackage: bytesByPackage(metafile),
        });
      }
    }
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The measurements as a plain-text table, one line per handler and SDK mode. */
export function formatTable(rows: readonly BundleMeasurement[], runs: number): string {
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  const header = [
    'handler',
    'sdk',
    'index.mjs',
    'lazy chunks',
    'map',
    'load (maps)',
    'load (no maps)',
    'goal',
  ];
  const lines = rows.map((r) => [
    r.handler,
    r.sdk,
    kb(r.bytes),
    r.lazyBytes ? kb(r.lazyBytes) : '-',
    kb(r.mapBytes),
    ms(r.loadMs.withSourceMaps),
    ms(r.loadMs.withoutSourceMaps),
    (SHEETS_HANDLERS as readonly string[]).includes(r.handler)
      ? '-'
      : `size ${r.bytes <= GOAL.bytes ? 'met' : 'missed'}, load ${r.loadMs.withSourceMaps <= GOAL.loadMs ? 'met' : 'missed'}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const format = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [
    `Handler bundles (built as deployed: ESM, minified, node24; load = median of ${runs} fresh processes; goal < ${kb(GOAL.bytes)} and < ${GOAL.loadMs} ms, engine functions)`,
    format(header),
    ...lines.map(format),
  ].join('\n');
}

/** The largest packages of each bundle, the SDK bundled (the deployed build). */
export function formatAnalysis(rows: readonly BundleMeasurement[], top = 12): string {
  return rows
    .filter((r) => r.sdk === 'bundled')
    .map((r) => {
      const lines = Object.entries(r.byPackage)
        .slice(0, top)
        .map(([pkg, bytes]) => `  ${(bytes / 1024).toFixed(1).padStart(6)} KB  ${pkg}`);
      return [`${r.handler} (${(r.bytes / 1024).toFixed(0)} KB):`, ...lines].join('\n');
    })
    .join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '5' },
      handlers: { type: 'string' },
      google: { type: 'boolean', default: false },
      analyze: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a whole number of at least 1');
  const handlers = values.handlers?.split(',') ?? [...HANDLERS, ...(values.google ? SHEETS_HANDLERS : [])];
  const unknown = handlers.filter((h) => !isHandlerName(h));
  if (unknown.length) throw new Error(`unknown handler(s): ${unknown.join(', ')}`);
  const rows = await measureBundles({ runs, handlers: handlers.filter(isHandlerName) });
  if (values.json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  console.log(formatTable(rows, runs));
  if (values.analyze) console.log(`\nLargest packages per bundle (SDK bundled):\n${formatAnalysis(rows)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
