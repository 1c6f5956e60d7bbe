/**
 * The WooCommerce cart snippet, taken from the doc itself (one source), run with Debian's php-cli:
 * what its signing function signs, Cart Recovery accepts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '#engine/domain/request-signature.js';

const DOC = new URL('../../../docs/storefronts/woocommerce.md', import.meta.url);
const SECRET = 'wc_snippet_secret_0123456789abcdef';

/** Runs `php` on a file; fails with the one line that says how to get PHP when it is missing. */
function php(args: string[]): string {
  try {
    return execFileSync('php', args, { encoding: 'utf8' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error('php is not installed: apt-get install -y php-cli (CI does this, see .ci/run)');
    throw error;
  }
}

describe('the WooCommerce snippet in docs/storefronts/woocommerce.md', () => {
  let dir: string;
  let snippet: string;
  let signing: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cr-php-'));
    const doc = await readFile(DOC, 'utf8');
    snippet = /```php\n([\s\S]*?)\n```/.exec(doc)?.[1] ?? '';
    signing = /^function cart_recovery_signature\([\s\S]*?\n\}$/m.exec(snippet)?.[0] ?? '';
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const sign = async (body: string, time: number) => {
    const script = join(dir, 'sign.php');
    await writeFile(join(dir, 'body.json'), body);
    await writeFile(
      script,
      `<?php\n${signing}\necho cart_recovery_signature($argv[1], file_get_contents($argv[2]), (int) $argv[3]);\n`,
    );
    return php([script, SECRET, join(dir, 'body.json'), String(time)]);
  };

  it('holds the signing function, and the whole snippet is valid PHP', async () => {
    const file = join(dir, 'cart-recovery.php');
    await writeFile(file, snippet);

    expect(signing).toMatch(
      /^function cart_recovery_signature\( string \$secret, string \$body, int \$time \): string \{/,
    );
    expect(php(['-l', file])).toContain('No syntax errors detected');
  });

  it("signs a cart event so that Cart Recovery's verifier accepts it, bytes and all", async () => {
    const now = new Date();
    const time = Math.floor(now.getTime() / 1000);
    const body = JSON.stringify({
      id: 'wc-1',
      type: 'cart.updated',
      occurredAt: now.toISOString(),
      cart: { id: 'woocommerce:cart:t_1', title: 'Crème brûlée set — 2 × ☕' },
    });

    const header = await sign(body, time);

    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(header, body, [SECRET], now)).toEqual({ ok: true, timestamp: time });
    expect(verifySignature(header, `${body} `, [SECRET], now)).toMatchObject({ ok: false });
    expect(verifySignature(header, body, ['another_secret_0123456789'], now)).toMatchObject({ ok: false });
  });
});
