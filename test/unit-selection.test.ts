import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UNIT_EXCLUDE } from '../vitest.unit.config.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = 'the cart-recovery command';
// How a test names the CLI's file in bin/ to run it, as a path or as join()'s pieces.
// Built from pieces, so this file does not itself look like a test that runs the CLI.
const RUNS_CLI = new RegExp(['\\bbin\\b', '[\'"/,\\s]+', 'cart-', 'recovery'].join(''));
const PHP = 'PHP (php-cli, which CI installs)';
// How a test starts php: execFile with the program name php first. Built from pieces, as RUNS_CLI is.
const RUNS_PHP = new RegExp(['\\(\\s*', "'ph", "p'\\s*,"].join(''));

/** What a unit test must not reach, directly or through the modules it imports, and why. */
const FORBIDDEN: { test: (target: string) => boolean; why: string; rename: string }[] = [
  { test: (t) => t.startsWith('test/peers/'), why: 'a peer of test/peers/', rename: '.peer.test.ts' },
  { test: (t) => t.startsWith('engine/local/peers/'), why: 'a local peer', rename: '.peer.test.ts' },
  { test: (t) => t === 'playwright-core', why: 'a browser', rename: '.peer.test.ts' },
  { test: (t) => t === 'engine/local/start.ts', why: 'the local stack', rename: '.e2e.test.ts' },
  { test: (t) => t === CLI, why: 'the CLI in another process', rename: '.e2e.test.ts' },
  { test: (t) => t === PHP, why: 'a PHP snippet of ours run by php-cli', rename: '.e2e.test.ts' },
  { test: (t) => t.startsWith('aws-cdk-lib') || t.startsWith('infra/'), why: 'the CDK app', rename: '' },
];

function testFiles(dir = 'test'): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return testFiles(path);
    return path.endsWith('.test.ts') ? [path] : [];
  });
}

/** A glob of the forms vitest's exclude list uses here (`**`, `*`) as a regular expression. */
function globRegExp(glob: string): RegExp {
  const source = glob
    .split('**/')
    .map((part) =>
      part
        .split('**')
        .map((piece) => piece.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
        .join('.*'),
    )
    .join('(?:.*/)?');
  return new RegExp(`^${source}$`);
}

const excluded = UNIT_EXCLUDE.map(globRegExp);
const isUnit = (path: string) => !excluded.some((glob) => glob.test(path));

/** The modules a file imports (static and dynamic), as repo paths or bare package names. */
function importsOf(path: string): string[] {
  // A type-only import loads nothing when the test runs.
  const text = readFileSync(join(ROOT, path), 'utf8').replace(/\bimport\s+type\s[^;]*?from\s*'[^']+'/g, '');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1] ?? '');
  const targets = specifiers.map((spec) => {
    const alias = /^#(engine|sheets-sync|test)\/(.*)$/.exec(spec);
    if (alias) return `${alias[1]}/${alias[2]}`;
    if (spec.startsWith('.')) return relative(ROOT, resolve(dirname(join(ROOT, path)), spec));
    return spec;
  });
  // A test that runs the CLI names its file rather than importing it.
  if (RUNS_CLI.test(text)) targets.push(CLI);
  if (RUNS_PHP.test(text)) targets.push(PHP);
  return targets.map((t) =>
    t.endsWith('.js') && existsSync(join(ROOT, t.replace(/\.js$/, '.ts'))) ? t.replace(/\.js$/, '.ts') : t,
  );
}

/** The first forbidden module a file reaches, with the chain of imports that reaches it. */
function forbiddenReach(file: string): { chain: string[]; rule: (typeof FORBIDDEN)[number] } | undefined {
  const seen = new Set<string>([file]);
  const queue: string[][] = [[file]];
  while (queue.length > 0) {
    const chain = queue.shift() ?? [];
    for (const target of importsOf(chain.at(-1) ?? file)) {
      const rule = FORBIDDEN.find((r) => r.test(target));
      if (rule) return { chain: [...chain, target], rule };
      if (seen.has(target) || !target.endsWith('.ts') || !existsSync(join(ROOT, target))) continue;
      seen.add(target);
      queue.push([...chain, target]);
    }
  }
  return undefined;
}

describe('the unit test selection (npm run test:unit)', () => {
  it('leaves out peer, end-to-end and infra tests, and keeps the rest', () => {
    expect(isUnit('test/engine/domain/tiers.test.ts')).toBe(true);
    expect(isUnit('test/engine/domain/cart.property.test.ts')).toBe(true);
    expect(isUnit('test/engine/adapters/ses-mailer.peer.test.ts')).toBe(false);
    expect(isUnit('test/engine/local/crash.e2e.test.ts')).toBe(false);
    expect(isUnit('test/infra/engine-stack.test.ts')).toBe(false);
  });

  it('finds a peer reached through a helper module', () => {
    const reach = forbiddenReach('test/sheets-sync/summary/google-summary-doc.peer.test.ts');
    expect(reach?.chain.slice(0, 2)).toEqual([
      'test/sheets-sync/summary/google-summary-doc.peer.test.ts',
      'test/sheets-sync/summary/google-drive-server.ts',
    ]);
    expect(reach?.chain.at(-1)).toMatch(/^test\/peers\//);
    expect(forbiddenReach('test/engine/simulation/cli.e2e.test.ts')?.rule.why).toBe(
      'the CLI in another process',
    );
    expect(forbiddenReach('test/docs/storefronts/woocommerce-snippet.e2e.test.ts')?.rule.why).toBe(
      'a PHP snippet of ours run by php-cli',
    );
    expect(forbiddenReach('test/engine/domain/tiers.test.ts')).toBeUndefined();
    // Its only way to the local stack is a type.
    expect(forbiddenReach('test/engine/local/demo-stores.test.ts')).toBeUndefined();
  });

  it('selects no test that reaches a peer, a browser, the local stack, the CLI process or the CDK app', () => {
    const wrong = testFiles()
      .filter(isUnit)
      .flatMap((file) => {
        const reach = forbiddenReach(file);
        if (!reach) return [];
        const fix = reach.rule.rename
          ? `name it ${file.replace(/\.test\.ts$/, reach.rule.rename)}`
          : 'move it under test/infra/';
        return [`${file} reaches ${reach.rule.why} (${reach.chain.join(' -> ')}): ${fix}`];
      });
    expect(wrong).toEqual([]);
  });
});
