/**
 * esbuild plugins that let the bundler drop the parts of the AWS SDK a Lambda never runs.
 * `sdkSizePlugin` changes how files are written, never what they evaluate to; `bedrockTokenPlugin`
 * swaps one module for its Lambda equivalent. test/infra/bundling/ checks each.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

// A top-level `const _xY = "text";`: how the SDK's generated schema files name their strings.
const STRING_CONSTANT = /^const (_\w+) = ("(?:[^"\\\r\n]|\\.)*");$/gm;
// `{ [_xY]: ...` or `, [_xY]: ...`: a computed key in an object literal (never `a[_x] : b`).
const COMPUTED_KEY = /([{,]\s*)\[(_\w+)\]:/g;

/**
 * Rewrites the computed keys of a generated SDK schema file (`{ [_h]: [...] }`, with
 * `const _h = "http"` at the top of the file) as the string literals they name (`{ "http": [...] }`).
 *
 * Why: esbuild keeps any statement whose object literal has a computed key that is not a literal,
 * since evaluating the key might have side effects. Every operation schema of a client has one, so
 * every schema stayed in every bundle: 67 KB for S3's alone, where the engine runs one operation.
 * With literal keys esbuild drops the unused ones. This is the fix smithy-typescript proposed for
 * the generator itself (smithy-lang/smithy-typescript#1889, for aws/aws-sdk-js-v3#7607).
 *
 * Why it is safe: each replaced name is a top-level `const` of the same file bound to a string
 * literal, and `{ [c]: v }` equals `{ "text": v }` for any such string, except "__proto__", which as
 * a literal key would set the prototype instead of a property: that one is left alone.
 */
export function literalSchemaKeys(code: string): string {
  const strings = new Map<string, string>();
  for (const [, name, literal] of code.matchAll(STRING_CONSTANT)) {
    if (name && literal && JSON.parse(literal) !== '__proto__') strings.set(name, literal);
  }
  return code.replace(COMPUTED_KEY, (key: string, before: string, name: string) => {
    const literal = strings.get(name);
    return literal === undefined ? key : `${before}${literal}:`;
  });
}

/**
 * Keeps only `name` and `version` of an SDK package's package.json. Why: each client imports its
 * package.json whole (`import packageInfo from "../package.json"`), 2-4 KB of scripts and
 * dependencies per client, for one thing, `packageInfo.version`, which goes into the user agent.
 * Safe because the SDK's ES builds read nothing else from it (`grep -r package.json` over
 * node_modules/@aws-sdk/(each package)/dist-es: every use is `packageInfo.version`).
 */
export function versionOnlyPackageJson(text: string): string {
  const { name, version } = JSON.parse(text) as { name?: unknown; version?: unknown };
  return JSON.stringify({ name, version });
}

/** The schema files of the SDK's clients (and of the nested clients the credential chain uses). */
export const SCHEMA_FILE =
  /[\\/]node_modules[\\/]@aws-sdk[\\/][^\\/]+[\\/]dist-es[\\/](?:.+[\\/])?schemas_\d+\.js$/;
/** The package.json of an `@aws-sdk/*` package. */
export const SDK_PACKAGE_JSON = /[\\/]node_modules[\\/]@aws-sdk[\\/][^\\/]+[\\/]package\.json$/;

/** Applies `literalSchemaKeys` and `versionOnlyPackageJson` while esbuild loads the SDK. */
export const sdkSizePlugin: Plugin = {
  name: 'cart-recovery-sdk-size',
  setup(build) {
    build.onLoad({ filter: SCHEMA_FILE }, async ({ path }) => ({
      contents: literalSchemaKeys(await readFile(path, 'utf8')),
      loader: 'js',
    }));
    build.onLoad({ filter: SDK_PACKAGE_JSON }, async ({ path }) => ({
      contents: versionOnlyPackageJson(await readFile(path, 'utf8')),
      loader: 'json',
    }));
  },
};

/** Bedrock's runtime configuration, the one importer of `@aws-sdk/token-providers` in the bundles. */
const BEDROCK_RUNTIME_CONFIG = /[\\/]@aws-sdk[\\/]client-bedrock-runtime[\\/]dist-es[\\/]runtimeConfig\.js$/;

/**
 * Resolves the Bedrock client's `@aws-sdk/token-providers` to lambda-token-providers.ts, which says
 * why that is safe in Lambda. A plugin rather than an alias: the replacement re-exports the SDK's own
 * `fromEnvSigningName` from the same package, which an alias would redirect to itself.
 */
export const bedrockTokenPlugin: Plugin = {
  name: 'cart-recovery-bedrock-token',
  setup(build) {
    const replacement = join(dirname(fileURLToPath(import.meta.url)), 'lambda-token-providers.ts');
    build.onResolve({ filter: /^@aws-sdk\/token-providers$/ }, ({ importer }) =>
      BEDROCK_RUNTIME_CONFIG.test(importer) ? { path: replacement } : undefined,
    );
  },
};
