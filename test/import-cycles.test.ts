import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const SOURCES = ['engine', 'sheets-sync'];
/** package.json `imports`: the subpath aliases our own modules import each other by. */
const ALIASES: Record<string, string> = { '#engine/': 'engine/', '#sheets-sync/': 'sheets-sync/' };
/** `from '…'` (imports and re-exports, types included), `import '…'` and `import('…')`. */
const SPECIFIER = /\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(?\s*['"]([^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

/** The project file a specifier names, or undefined for a package or a file outside the scan. */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  const alias = Object.keys(ALIASES).find((prefix) => specifier.startsWith(prefix));
  let target: string;
  if (alias) target = ALIASES[alias] + specifier.slice(alias.length);
  else if (specifier.startsWith('.')) target = join(dirname(from), specifier);
  else return undefined;
  return target.replace(/\.js$/, '.ts');
}

function importGraph(): Map<string, string[]> {
  const files = new Set(SOURCES.flatMap(sourceFiles));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const targets = [...text.matchAll(SPECIFIER)]
      .map((match) => resolveSpecifier(file, match[1] ?? match[2] ?? ''))
      .filter((target): target is string => target !== undefined && files.has(target));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Each cycle a depth-first walk meets, as `a.ts → b.ts → a.ts`. */
function findCycles(graph: Map<string, string[]>): string[] {
  const cycles: string[] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string): void => {
    const onPath = path.indexOf(file);
    if (onPath >= 0) {
      cycles.push([...path.slice(onPath), file].join(' → '));
      return;
    }
    if (done.has(file)) return;
    path.push(file);
    for (const next of graph.get(file) ?? []) visit(next);
    path.pop();
    done.add(file);
  };
  for (const file of [...graph.keys()].sort()) visit(file);
  return cycles;
}

describe('imports of engine/ and sheets-sync/', () => {
  it('form no cycle', () => {
    // Prepare
    const graph = importGraph();

    // Act
    const cycles = findCycles(graph);

    // Assess
    expect(graph.size).toBeGreaterThan(50);
    expect(cycles).toEqual([]);
  });

  it('sees type imports by alias and by relative path', () => {
    // Act
    const graph = importGraph();

    // Assess
    expect(graph.get('sheets-sync/summary/memory-summary.ts')).toEqual(
      expect.arrayContaining(['engine/domain/cart.ts', 'sheets-sync/summary/monthly-figures.ts']),
    );
  });

  it('names every file of a cycle, in import order', () => {
    // Prepare
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ]);

    // Act
    const cycles = findCycles(graph);

    // Assess
    expect(cycles).toEqual(['a.ts → b.ts → c.ts → a.ts']);
  });
});
