import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHandler, LAZY_PACKAGES } from '../../../infra/bundling/lambda-build.js';

describe('lazy packages in the webhook bundle', () => {
  let out: string;
  let outputs: string[];

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'lazy-packages-'));
    const metafile = await buildHandler('webhook', out);
    outputs = Object.keys(metafile.outputs);
  }, 120_000);

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('builds the stripe package into its own file beside index.mjs, outside what every cold start loads', async () => {
    // Assess
    expect(await readdir(out)).toEqual(
      expect.arrayContaining(['index.mjs', 'index.mjs.map', LAZY_PACKAGES.stripe]),
    );
    const index = await readFile(join(out, 'index.mjs'), 'utf8');
    expect(index).toContain(`import("./${LAZY_PACKAGES.stripe}")`);
    expect(index).not.toMatch(/api\.stripe\.com/);
    expect(outputs.some((path) => path.endsWith(LAZY_PACKAGES.stripe ?? ''))).toBe(true);
  });

  it('gives the package as the engine imports it: a constructor with its webhook helpers', async () => {
    // Act
    const { default: Stripe } = await import(pathToFileURL(join(out, LAZY_PACKAGES.stripe ?? '')).href);

    // Assess
    expect(typeof Stripe).toBe('function');
    expect(typeof Stripe.webhooks.signature.verifyHeader).toBe('function');
  });
});
