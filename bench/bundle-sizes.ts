/**
 * Bundle size and cold module-load time of every Lambda handler, built with esbuild exactly as the CDK
 * app builds them (`esbuildOptions` from infra/constructs/engine-function.ts), two ways: with the AWS
 * SDK bundled (what is deployed) and with `@aws-sdk/*` + `@smithy/*` external (what using the Lambda
 * runtime's SDK would mean; here the external SDK loads from node_modules, as it would from the
 * runtime's /var/runtime/node_modules).
 *
 * Load time is the `await import()` of the bundle in a fresh Node process, averaged over a few
 * processes, with and without `--enable-source-maps` (the deployed functions set it).
 *
 * Usage: `tsx bench/bundle-sizes.ts [--runs 5] [--json]`, or `measureBundles()` from a bench runner.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { build } from 'esbuild';
import {
  esbuildOptions,
  HANDLERS,
  type HandlerName,
  PROJECT_ROOT,
} from '../infra/constructs/engine-function.js';

const run = promisify(execFile);

export type SdkMode = 'bundled' | 'external';

export interface BundleMeasurement {
  handler: HandlerName;
  sdk: SdkMode;
  /** Minified index.mjs, bytes. */
  bytes: number;
  /** index.mjs.map, bytes (shipped in the zip, read only with --enable-source-maps). */
  mapBytes: number;
  /** Mean `await import()` time in ms over `runs` fresh processes. */
  loadMs: { withSourceMaps: number; withoutSourceMaps: number };
}

/** The goal per handler (docs/DEPLOY.md, "Bundle size"). */
export const GOAL = { bytes: 500 * 1024, loadMs: 100 } as const;

const IMPORT_SCRIPT = [
  'const started = performance.now();',
  'const m = await import(process.argv[1]);',
  'if (typeof m.handler !== "function") throw new Error("no handler export");',
  'console.log(performance.now() - started);',
].join('\n');

async function loadMs(file: string, runs: number, sourceMaps: boolean): Promise<number> {
  let total = 0;
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
    total += Number(stdout.trim().split('\n').at(-1));
  }
  return total / runs;
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
        await build(esbuildOptions(handler, outfile, { sdk }));
        rows.push({
          handler,
          sdk,
          bytes: (await stat(outfile)).size,
          mapBytes: (await stat(`${outfile}.map`)).size,
          loadMs: {
            withSourceMaps: await loadMs(outfile, runs, true),
            withoutSourceMaps: await loadMs(outfile, runs, false),
          },
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
  const header = ['handler', 'sdk', 'index.mjs', 'map', 'load (maps)', 'load (no maps)', 'goal'];
  const lines = rows.map((r) => [
    r.handler,
    r.sdk,
    kb(r.bytes),
    kb(r.mapBytes),
    ms(r.loadMs.withSourceMaps),
    ms(r.loadMs.withoutSourceMaps),
    r.bytes <= GOAL.bytes && r.loadMs.withSourceMaps <= GOAL.loadMs ? 'met' : 'missed',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const format = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [
    `Handler bundles (built as deployed: ESM, minified, node24; load = mean of ${runs} fresh processes; goal < ${kb(GOAL.bytes)} and < ${GOAL.loadMs} ms)`,
    format(header),
    ...lines.map(format),
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '5' }, json: { type: 'boolean', default: false } },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a whole number of at least 1');
  const rows = await measureBundles({ runs });
  console.log(values.json ? JSON.stringify(rows, null, 2) : formatTable(rows, runs));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
