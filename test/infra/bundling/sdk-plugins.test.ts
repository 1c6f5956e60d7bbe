import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../infra/bundling/lambda-build.js';
import {
  literalSchemaKeys,
  SCHEMA_FILE,
  SDK_PACKAGE_JSON,
  sdkSizePlugin,
  versionOnlyPackageJson,
} from '../../../infra/bundling/sdk-plugins.js';

/**
 * A module's exports as text, with every schema thunk (`() => Other$`) followed, each object written
 * once and then referred to by its visiting order, so recursive schemas terminate.
 */
function serialize(exports: Record<string, unknown>): string {
  const seen = new Map<object, number>();
  const visit = (value: unknown): unknown => {
    if (typeof value === 'function') {
      const source = Function.prototype.toString.call(value);
      if (value.length === 0 && !source.startsWith('class')) return { thunk: visit(value()) };
      return `function ${value.name}`;
    }
    if (value === null || typeof value !== 'object') return value;
    const id = seen.get(value);
    if (id !== undefined) return `#${id}`;
    seen.set(value, seen.size);
    if (Array.isArray(value)) return value.map(visit);
    return {
      proto: Object.getPrototypeOf(value) === Object.prototype ? 'Object' : 'other',
      own: Object.getOwnPropertyNames(value).map((k) => [k, visit((value as Record<string, unknown>)[k])]),
    };
  };
  return JSON.stringify(Object.keys(exports).map((k) => [k, visit(exports[k])]));
}

describe('literalSchemaKeys', () => {
  it('writes computed keys naming a string constant of the file as that string', () => {
    const code = [
      'const _h = "http";',
      'const _hH = "httpHeader";',
      'export var Get$ = [9, n0, _G, { [_h]: ["GET", "/", 200] }, () => In$, () => Out$];',
      'export var In$ = [3, n0, _I, 0, [_K], [[0, { [_hH]: _xa, [_h]: 1 }]]];',
    ].join('\n');

    expect(literalSchemaKeys(code)).toBe(
      [
        'const _h = "http";',
        'const _hH = "httpHeader";',
        'export var Get$ = [9, n0, _G, { "http": ["GET", "/", 200] }, () => In$, () => Out$];',
        'export var In$ = [3, n0, _I, 0, [_K], [[0, { "httpHeader": _xa, "http": 1 }]]];',
      ].join('\n'),
    );
  });

  it('leaves alone "__proto__", names that are not string constants, and member access', () => {
    const code = [
      'const _p = "__proto__";',
      'let _l = "let";',
      'const x = { [_p]: 1, [_l]: 2, [_u]: 3 };',
      'const y = c ? a[_p] : b;',
    ].join('\n');

    expect(literalSchemaKeys(code)).toBe(code);
  });

  it("keeps each SDK client's schema module exactly as it evaluates without the rewrite", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'schema-keys-'));
    try {
      const clients = (await readdir(join(PROJECT_ROOT, 'node_modules/@aws-sdk'))).filter((d) =>
        d.startsWith('client-'),
      );
      expect(clients.length).toBeGreaterThanOrEqual(7);
      for (const client of clients) {
        const file = join(PROJECT_ROOT, 'node_modules/@aws-sdk', client, 'dist-es/schemas/schemas_0.js');
        expect(SCHEMA_FILE.test(file), file).toBe(true);
        const [plain, rewritten] = await Promise.all(
          [false, true].map(async (withPlugin) => {
            const outfile = join(dir, `${client}-${withPlugin}.mjs`);
            await build({
              stdin: { contents: `export * from ${JSON.stringify(file)};`, resolveDir: PROJECT_ROOT },
              bundle: true,
              platform: 'node',
              format: 'esm',
              mainFields: ['module', 'main'],
              outfile,
              plugins: withPlugin ? [sdkSizePlugin] : [],
              logLevel: 'error',
            });
            return serialize(await import(pathToFileURL(outfile).href));
          }),
        );
        expect(rewritten, client).toBe(plain);
        expect(await readFile(file, 'utf8')).toMatch(/\{ \[_\w+\]:/);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('versionOnlyPackageJson', () => {
  const pkgPath = join(PROJECT_ROOT, 'node_modules/@aws-sdk/client-dynamodb/package.json');

  it("keeps the name and version the client's user agent reads, and nothing else", async () => {
    const text = await readFile(pkgPath, 'utf8');
    const { name, version } = JSON.parse(text) as { name: string; version: string };

    expect(SDK_PACKAGE_JSON.test(pkgPath)).toBe(true);
    expect(JSON.parse(versionOnlyPackageJson(text))).toEqual({ name, version });
    expect(version).toBe('3.1164.0');
  });
});
