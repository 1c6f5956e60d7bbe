/**
 * How every Lambda handler is bundled, in one place: the CDK app runs this file to build each
 * function's asset (EngineFunction), bench/bundle-sizes.ts measures the same build, and the tests
 * build with the same options. No aws-cdk-lib here, so a build starts fast.
 *
 * Usage: `tsx infra/bundling/lambda-build.ts <handler> <output directory>` writes index.mjs and
 * index.mjs.map there, and beside them each lazy module the handler imports on demand (stripe.mjs,
 * event-streams.mjs).
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { bedrockTokenPlugin, sdkSizePlugin } from './sdk-plugins.js';

/** The project root: entries, package-lock.json and node_modules (with esbuild) live there. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The handlers, by the file name `engine/handlers/<name>.handler.ts`. */
export const HANDLERS = [
  'webhook',
  'wake',
  'sender',
  'unsubscribe',
  'owner-action',
  'mail-events',
  'sweep',
] as const;
/**
 * The Google functions, by the file name `sheets-sync/<name>.handler.ts`: the rules sync, the
 * nightly export and the monthly summary. Created only when cdk.json names a spreadsheet.
 */
export const SHEETS_HANDLERS = ['sync', 'nightly', 'summary'] as const;
export type EngineHandlerName = (typeof HANDLERS)[number];
export type SheetsHandlerName = (typeof SHEETS_HANDLERS)[number];
export type HandlerName = EngineHandlerName | SheetsHandlerName;

/** Whether `name` is a handler this file can build. */
export function isHandlerName(name: string): name is HandlerName {
  return (
    (HANDLERS as readonly string[]).includes(name) || (SHEETS_HANDLERS as readonly string[]).includes(name)
  );
}

/** The entry file of one handler. */
export function handlerEntry(name: HandlerName): string {
  const dir = (SHEETS_HANDLERS as readonly string[]).includes(name)
    ? ['sheets-sync']
    : ['engine', 'handlers'];
  return join(PROJECT_ROOT, ...dir, `${name}.handler.ts`);
}

/** The esbuild target matching the functions' runtime (RUNTIME in engine-function.ts). */
export const ESBUILD_TARGET = 'node24';

/**
 * In an ESM bundle, CommonJS dependencies that `require()` Node built-ins (the AWS SDK, pino) need a
 * real `require`; esbuild's shim throws "Dynamic require of ... is not supported" without this.
 */
export const REQUIRE_BANNER =
  "import { createRequire as __engineCreateRequire } from 'node:module'; const require = __engineCreateRequire(import.meta.url);";

/** The AWS SDK v3 and its Smithy core: what "use the runtime's SDK" would mark external. */
export const SDK_EXTERNALS = ['@aws-sdk/*', '@smithy/*'];

/**
 * Modules replaced in every Lambda bundle (never in the local stack, the CLI or the tests, which
 * import node_modules as they are). Each replacement says in its own file why Lambda cannot tell.
 */
export const LAMBDA_ALIASES: Record<string, string> = {
  // yaml's own ES module build of the same version, which its package.json serves to every runtime
  // but Node (the "default" export condition), instead of its CommonJS build, which esbuild cannot
  // tree-shake. The sources are the same but for one line: a YAML warning (odd YAML such as an
  // unknown tag; a rules doc written by the sync raises none) goes to stderr through console.warn
  // instead of process.emitWarning. 17 KB.
  yaml: join(PROJECT_ROOT, 'node_modules/yaml/browser/index.js'),
  // A fallback for Node.js older than 18 inside fetch-blob (Google functions only): never loaded on
  // Node.js 24 (no-web-streams-polyfill.cjs). 60 KB.
  'web-streams-polyfill/dist/ponyfill.es2018.js': join(
    PROJECT_ROOT,
    'infra/bundling/no-web-streams-polyfill.cjs',
  ),
};

/**
 * Replaced only when the SDK is bundled: with the runtime's SDK, the runtime's copy of these loads.
 * The credential chain becomes the environment alone (lambda-credentials.ts): about 100 KB. (The
 * Bedrock client's SSO token fallback goes the same way, through `bedrockTokenPlugin`.) The DynamoDB
 * client's endpoint cache gets a Map-based LRU (lambda-lru-cache.ts): about 7 KB.
 */
export const LAMBDA_SDK_ALIASES: Record<string, string> = {
  '@aws-sdk/credential-provider-node': join(PROJECT_ROOT, 'infra/bundling/lambda-credentials.ts'),
  'mnemonist/lru-cache': join(PROJECT_ROOT, 'infra/bundling/lambda-lru-cache.ts'),
};

export type SdkMode = 'bundled' | 'external';

/**
 * Packages the engine imports only with `import()` on a rare path, each built into its own file
 * beside index.mjs: the stripe package (about 480 KB minified) loads on a Stripe delivery, never on
 * the cold start of any other request. A static import of one is bundled as usual.
 */
export const LAZY_PACKAGES: Readonly<Record<string, string>> = { stripe: 'stripe.mjs' };

/**
 * The same, for a module of the SDK, only when the SDK is bundled (with the runtime's SDK the import
 * stays the runtime's): every client's protocol imports `@smithy/core/event-streams` with `import()`,
 * for operations that stream events (Bedrock's ConverseStream, S3's SelectObjectContent), none of
 * which the engine calls. Inlined, as esbuild does with an `import()` it bundles, the whole module
 * (about 20 KB) rode in every bundle; the few helpers the S3 and Bedrock clients import statically
 * stay in index.mjs. Built beside it, an event stream would still work, with its own copy of the
 * Smithy code the module uses.
 */
export const LAZY_SDK_MODULES: Readonly<Record<string, string>> = {
  '@smithy/core/event-streams': 'event-streams.mjs',
};

/** The lazy modules of a build, by module name: each file's name beside index.mjs. */
export function lazyModules(sdk: SdkMode): Readonly<Record<string, string>> {
  return sdk === 'bundled' ? { ...LAZY_PACKAGES, ...LAZY_SDK_MODULES } : LAZY_PACKAGES;
}

/** Makes each `import()` of a lazy module an import of its own file beside index.mjs. */
function lazyModulesPlugin(modules: Readonly<Record<string, string>>): Plugin {
  return {
    name: 'cart-recovery-lazy-packages',
    setup(bundle) {
      for (const [module, file] of Object.entries(modules)) {
        bundle.onResolve({ filter: new RegExp(`^${module}$`) }, (args) =>
          args.kind === 'dynamic-import' ? { path: `./${file}`, external: true } : undefined,
        );
      }
    },
  };
}

/**
 * The build of one handler. The SDK is bundled (`sdk: 'bundled'`, what is deployed): pinned at the
 * version the tests ran, and measured to load faster than the runtime's copy (bench/bundle-sizes.ts);
 * `sdk: 'external'` is the alternative the bench compares, the Lambda runtime's SDK.
 */
export function esbuildOptions(
  name: HandlerName,
  outfile: string,
  options: { sdk: SdkMode } = { sdk: 'bundled' },
): BuildOptions & { metafile: true } {
  return lambdaBuildOptions(handlerEntry(name), outfile, options);
}

/** The Lambda build of any entry file (the tests build small probes with it). */
export function lambdaBuildOptions(
  entry: string,
  outfile: string,
  options: { sdk: SdkMode } = { sdk: 'bundled' },
): BuildOptions & { metafile: true } {
  const bundled = options.sdk === 'bundled';
  return {
    entryPoints: [entry],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: 'node',
    target: ESBUILD_TARGET,
    format: 'esm',
    outfile,
    minify: true,
    sourcemap: true,
    // Lambda only needs line mappings for stack traces; the sources would more than double the map.
    sourcesContent: false,
    // The packages' ES module builds, which esbuild tree-shakes, before their CommonJS `main`.
    mainFields: ['module', 'main'],
    banner: { js: REQUIRE_BANNER },
    external: bundled ? [] : SDK_EXTERNALS,
    alias: bundled ? { ...LAMBDA_ALIASES, ...LAMBDA_SDK_ALIASES } : LAMBDA_ALIASES,
    plugins: [
      lazyModulesPlugin(lazyModules(options.sdk)),
      ...(bundled ? [sdkSizePlugin, bedrockTokenPlugin] : []),
    ],
    metafile: true,
    logLevel: 'warning',
  };
}

/**
 * Builds one handler into `outdir` (index.mjs, index.mjs.map, and each lazy module it imports) and
 * returns esbuild's metafile of them all.
 * @example await buildHandler('webhook', '/tmp/webhook');
 */
export async function buildHandler(
  name: HandlerName,
  outdir: string,
  options: { sdk: SdkMode } = { sdk: 'bundled' },
): Promise<Metafile> {
  return buildEntry(handlerEntry(name), outdir, options);
}

/** `buildHandler` for any entry file (the tests build small probes with it). */
export async function buildEntry(
  entry: string,
  outdir: string,
  options: { sdk: SdkMode } = { sdk: 'bundled' },
): Promise<Metafile> {
  const outfile = join(outdir, 'index.mjs');
  const main = await build(lambdaBuildOptions(entry, outfile, options));
  let metafile = main.metafile;
  const imported = new Set(Object.values(main.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path)));
  for (const [module, file] of Object.entries(lazyModules(options.sdk))) {
    if (!imported.has(`./${file}`)) continue;
    // The engine takes stripe's default export; the SDK takes the named exports of its modules.
    const contents =
      module in LAZY_SDK_MODULES ? `export * from '${module}';` : `export { default } from '${module}';`;
    const lazy = await build({
      ...lambdaBuildOptions(outfile, join(outdir, file), options),
      entryPoints: undefined,
      stdin: { contents, resolveDir: PROJECT_ROOT, loader: 'js' },
    });
    metafile = {
      inputs: { ...metafile.inputs, ...lazy.metafile.inputs },
      outputs: { ...metafile.outputs, ...lazy.metafile.outputs },
    };
  }
  return metafile;
}

async function main(): Promise<void> {
  const [name, outdir] = process.argv.slice(2);
  if (!name || !isHandlerName(name) || !outdir) {
    throw new Error(
      `usage: tsx infra/bundling/lambda-build.ts <${[...HANDLERS, ...SHEETS_HANDLERS].join('|')}> <output directory>`,
    );
  }
  await buildHandler(name, resolve(outdir));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
