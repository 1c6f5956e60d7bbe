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
 * Run with `npm run build:apps-script`.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import { exampleRules, sheetLayout } from './layout.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const BUNDLE_GLOBAL = 'CartRecovery';

export interface AppsScriptBuild {
  /** The path of Code.js. */
  file: string;
  /** The global functions declared at the top of Code.js. */
  globals: string[];
}

/** Builds dist/Code.js (or `outDir`/Code.js) and copies appsscript.json beside it. */
export async function buildAppsScript(options: { outDir?: string } = {}): Promise<AppsScriptBuild> {
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
  await copyFile(join(HERE, 'appsscript.json'), join(outDir, 'appsscript.json'));
  return { file, globals };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { file, globals } = await buildAppsScript();
  console.log(`built ${file} with globals: ${globals.join(', ')}`);
}
