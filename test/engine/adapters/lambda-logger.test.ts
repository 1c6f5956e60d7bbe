import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createLambdaLogger } from '#engine/adapters/lambda-logger.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../../..');

/**
 * The same calls for both loggers, run in a fresh process whose stdout is the log: `create` is the
 * factory the module exports (`createLogger` for pino, `createLambdaLogger` for Lambda).
 */
const CALLS = `
const [, moduleUrl, create] = process.argv;
const factory = (await import(moduleUrl))[create];
const log = factory({ name: 'cart-recovery-wake', level: 'info' });
log.info('reminder sent', { cartId: 'c-1', n: 2, nested: { at: [1, 'x', null, true], empty: {} } });
log.debug('not written', { cartId: 'c-1' });
log.warn('rules unavailable');
log.error('send failed', { code: 'Throttling', attempts: 3, ok: false });
log.info('odd values', {
  gone: undefined, fn() {}, nan: Number.NaN, inf: Number.POSITIVE_INFINITY, zero: -0, at: new Date(0),
  list: [undefined, () => 1, Number.NaN], sym: Symbol('s'), nil: null,
});
log.info('strings "quoted" \\\\ and\\nnew line', {
  text: 'tab\\tquote" backslash\\\\ é ☃ 😀 \\u0001', 'key "with" quotes': 1, long: 'x'.repeat(150) + '"',
});
log.info('keys that pino also writes', { level: 'mine', time: 1, svc: 'other', msg: 'inner' });
log.info('', {});
const circular = { b: 2, a: 1 };
circular.self = circular;
log.info('unsafe values', { circular, big: 12n, deep: { z: 1, big: [3n, { y: 2, x: 1 }] } });
class QuotaError extends Error {
  constructor(message, options) { super(message, options); this.name = 'QuotaError'; }
}
const cause = new Error('socket hang up');
const err = new QuotaError('over quota', { cause });
err.code = 'E_QUOTA';
err.inner = new Error('inner');
err.retry = { after: 5 };
log.error('with err', { err, other: new Error('not err: {}') });
log.error('err that is not an error', { err: 'timeout' });
log.error('aggregate', { err: new AggregateError([new Error('one'), new TypeError('two')], 'both') });
const vCause = new Error('because');
const verror = new Error('outer');
verror.cause = () => vCause;
log.error('function cause', { err: verror });
const quiet = factory({ level: 'warn' });
quiet.info('filtered');
quiet.warn('kept without svc', { n: 1 });
factory({ level: 'silent' }).error('never');
factory({ level: 'debug', name: 'x' }).debug('debug kept');
factory({}).info('default level is info');
factory({}).debug('so debug is dropped');
`;

async function logLines(module: string, create: string): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '--eval',
      CALLS,
      pathToFileURL(join(ROOT, module)).href,
      create,
    ],
    { cwd: ROOT, env: { PATH: process.env.PATH } },
  );
  return stdout.replace(/^\{"level":"(\w+)","time":"[^"]+"/gm, '{"level":"$1","time":"T"');
}

describe('createLambdaLogger', () => {
  it('writes exactly the lines the pino logger writes, for the same calls and levels', async () => {
    // Act
    const [pino, lambda] = await Promise.all([
      logLines('engine/adapters/pino-logger.ts', 'createLogger'),
      logLines('engine/adapters/lambda-logger.ts', 'createLambdaLogger'),
    ]);

    // Assess
    expect(lambda).toBe(pino);
    const lines = lambda.trim().split('\n');
    expect(lines).toHaveLength(15);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(lambda).not.toMatch(/not written|filtered|never|so debug is dropped/);
    expect(JSON.parse(lines.find((l) => l.includes('"with err"')) ?? '{}')).toMatchObject({
      err: { type: 'QuotaError', message: 'over quota: socket hang up', code: 'E_QUOTA' },
    });
  }, 30_000);

  it('hands each entry to one write, as one line with an ISO time', () => {
    // Prepare
    const writes: string[] = [];
    const log = createLambdaLogger({
      name: 'cart-recovery-sender',
      level: 'debug',
      write: (l) => writes.push(l),
    });

    // Act
    log.debug('a', { n: 1 });
    log.info('b\nc');
    log.error('d', { detail: 'e\nf' });

    // Assess
    expect(writes).toHaveLength(3);
    for (const line of writes) expect(line).toMatch(/^\{[^\n]*\}\n$/);
    expect(writes.map((l) => JSON.parse(l))).toEqual([
      {
        level: 'debug',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        svc: 'cart-recovery-sender',
        n: 1,
        msg: 'a',
      },
      { level: 'info', time: expect.any(String), svc: 'cart-recovery-sender', msg: 'b\nc' },
      { level: 'error', time: expect.any(String), svc: 'cart-recovery-sender', detail: 'e\nf', msg: 'd' },
    ]);
  });

  it('writes nothing below its level', () => {
    // Prepare
    const writes: string[] = [];
    const log = createLambdaLogger({ level: 'error', write: (l) => writes.push(l) });

    // Act
    log.debug('a');
    log.info('b');
    log.warn('c');
    log.error('d');

    // Assess
    expect(writes.map((l) => JSON.parse(l).msg)).toEqual(['d']);
  });
});
