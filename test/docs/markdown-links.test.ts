import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const DOCS = ['README.md', 'apps-script/README.md', ...docsFiles()];

function docsFiles(): string[] {
  return readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
}

/** The lines of a markdown file outside fenced code blocks, with their numbers. */
function proseLines(text: string): { line: number; text: string }[] {
  const lines: { line: number; text: string }[] = [];
  let fence: string | undefined;
  text.split('\n').forEach((line, i) => {
    const marker = /^\s*(```|~~~)/.exec(line)?.[1];
    if (marker && (fence === undefined || fence === marker)) {
      fence = fence === undefined ? marker : undefined;
      return;
    }
    if (fence === undefined) lines.push({ line: i + 1, text: line });
  });
  return lines;
}

/**
 * The anchor GitHub gives a heading (github-slugger): the rendered text lower-cased, every
 * character but letters, digits, marks, "_", "-" and spaces dropped, spaces made "-"; a repeated
 * slug gets "-1", "-2", ...
 */
function githubSlugs(headings: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return headings.map((heading) => {
    const rendered = heading
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/[`*]/g, '')
      .trim();
    const base = rendered
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    return count === 0 ? base : `${base}-${count}`;
  });
}

function anchorsOf(file: string): Set<string> {
  const headings = proseLines(readFileSync(file, 'utf8'))
    .map(({ text }) => /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text)?.[1])
    .filter((h): h is string => h !== undefined);
  return new Set(githubSlugs(headings));
}

/** Every internal link of a markdown file that does not resolve, as "file:line: target (why)". */
function brokenLinks(path: string): string[] {
  const file = join(ROOT, path);
  const broken: string[] = [];
  for (const { line, text } of proseLines(readFileSync(file, 'utf8'))) {
    // Inline code is shown, not followed.
    const prose = text.replace(/`[^`]*`/g, '');
    for (const match of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = match[1] ?? '';
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const [pathPart = '', anchor] = target.split('#');
      const linked = pathPart === '' ? file : resolve(dirname(file), decodeURIComponent(pathPart));
      const where = `${path}:${line}: ${target}`;
      if (!existsSync(linked)) {
        broken.push(`${where} (no such file: ${relative(ROOT, linked)})`);
        continue;
      }
      if (anchor === undefined) continue;
      if (statSync(linked).isDirectory() || !linked.endsWith('.md')) {
        broken.push(`${where} (an anchor into a file that is not markdown)`);
      } else if (!anchorsOf(linked).has(anchor)) {
        broken.push(`${where} (no heading with that anchor in ${relative(ROOT, linked)})`);
      }
    }
  }
  return broken;
}

describe('markdown links', () => {
  it('slugs headings the way GitHub does', () => {
    expect(
      githubSlugs([
        '7. Publish the rules doc',
        "Owner's guide",
        'Checklist: what is done by hand',
        '2. Settings in cdk.json',
        'Running `npm start`',
        'Tests',
        'Tests',
      ]),
    ).toEqual([
      '7-publish-the-rules-doc',
      'owners-guide',
      'checklist-what-is-done-by-hand',
      '2-settings-in-cdkjson',
      'running-npm-start',
      'tests',
      'tests-1',
    ]);
  });

  it.each(DOCS)('%s: every relative link and #anchor resolves', (path) => {
    expect(brokenLinks(path)).toEqual([]);
  });
});
