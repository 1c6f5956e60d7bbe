/**
 * Bundles apps-script/src/index.ts into one Apps Script file, dist/Code.js, and copies the manifest
 * next to it (clasp pushes dist/: clasp 3 does not compile TypeScript).
 *
 * Apps Script has no modules: a global function must be a top-level declaration (the editor's Run
 * list and menu items look them up by name), and the file must hold no `export`. So the bundle is
 * an IIFE assigned to one variable, followed by one delegating declaration per export of index.ts:
 *
 * ```js
 * var CartRecovery = (() => { ... return { onOpen, ... }; })();
 * function onOpen(e) { return CartRecovery.onOpen(e); }
 * ```
 *
 * The manifest gets its `urlFetchWhitelist` here: the engine's Function URLs are
 * `https://<id>.lambda-url.<region>.on.aws/`, and Apps Script allows one leading `*` wildcard for
 * the subdomain, so the Region comes from cdk.json (`cartRecovery.region`).
 *
 * Run with `npm run build:apps-script`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import { exampleRules, sheetLayout } from './layout.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const BUNDLE_GLOBAL = 'CartRecovery';
const CDK_JSON = join(HERE, '..', 'cdk.json');

/**
 * The URL prefixes UrlFetchApp may reach: the Function URLs of the engine's Region (Apps Script
 * wants https, a full domain, a non-empty path, and at most one leading "*" for subdomains).
 * @example functionUrlWhitelist('us-east-1') // ['https://*.lambda-url.us-east-1.on.aws/']
 */
export function functionUrlWhitelist(region: string): string[] {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new Error(`not an AWS Region: "${region}"`);
  return [`https://*.lambda-url.${region}.on.aws/`];
}

async function engineRegion(): Promise<string> {
  const cdk = JSON.parse(await readFile(CDK_JSON, 'utf8')) as {
    context?: { cartRecovery?: { region?: string } };
  };
  const region = cdk.context?.cartRecovery?.region;
  if (!region) throw new Error("cdk.json has no context.cartRecovery.region (the Function URLs' Region)");
  return region;
}

export interface AppsScriptBuild {
  /** The path of Code.js. */
  file: string;
  /** The global functions declared at the top of Code.js. */
  globals: string[];
}

/** Builds dist/Code.js (or `outDir`/Code.js) and copies appsscript.json beside it. */
export async function buildAppsScript(
  options: { outDir?: string; region?: string } = {},
): Promise<AppsScriptBuild> {
  const outDir = resolve(options.outDir ?? join(HERE, 'dist'));
  const entry = join(HERE, 'src', 'index.ts');
  const common: BuildOptions = {
    entryPoints: [entry],
    bundle: true,
    // Apps Script's V8 runtime; nothing of Node or the browser is available there.
    platform: 'neutral',
    target: 'es2020',
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'silent',
    // The tabs Set up adds, as a constant: see layout.ts.
    define: { CART_RECOVERY_LAYOUT: JSON.stringify(sheetLayout(await exampleRules())) },
  };

  // The exports of index.ts are the globals: esbuild's metafile lists them for an ES module build.
  const probe = await build({ ...common, format: 'esm', write: false, metafile: true, outfile: 'probe.js' });
  const globals = Object.values(probe.metafile?.outputs ?? {}).flatMap((output) => output.exports);
  if (globals.length === 0) throw new Error('apps-script/src/index.ts exports no global function');

  const file = join(outDir, 'Code.js');
  await mkdir(outDir, { recursive: true });
  await build({
    ...common,
    format: 'iife',
    globalName: BUNDLE_GLOBAL,
    outfile: file,
    banner: { js: '// Built by apps-script/build.ts from apps-script/src; edit those, not this file.' },
    footer: {
      js: globals.map((name) => `function ${name}(e) {\n  return ${BUNDLE_GLOBAL}.${name}(e);\n}`).join('\n'),
    },
  });
  const manifest = JSON.parse(await readFile(join(HERE, 'appsscript.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  manifest.urlFetchWhitelist = functionUrlWhitelist(options.region ?? (await engineRegion()));
  await writeFile(join(outDir, 'appsscript.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { file, globals };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { file, globals } = await buildAppsScript();
  console.log(`built ${file} with globals: ${globals.join(', ')}`);
}
