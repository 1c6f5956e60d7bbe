/**
 * `npm run bench`: speed, memory and request figures, each measured in one run on this machine.
 * No figure here is asserted by a test; the README quotes them.
 *
 *   npm run bench                 everything (about three minutes)
 *   npm run bench -- --carts N    a smaller simulated month
 *   npm run bench -- --burst N    fewer deliveries in the local stack's burst
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseArgs, promisify } from 'node:util';
import { measureRequests } from '../engine/cli/cost-command.js';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    carts: { type: 'string', default: '300000' },
    intake: { type: 'string', default: '3000' },
    burst: { type: 'string', default: '2000' },
    shards: { type: 'string' },
  },
});
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
const tsx = ['--import', 'tsx'];
const json = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
const n = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

console.log(
  `Cart Recovery benchmarks — ${new Date().toISOString()}, Node ${process.version}, ${(await import('node:os')).cpus().length} cores\n`,
);

// 1. The simulated month (the engine's decision path on in-memory adapters), split by shopper into
// shards of about 20,000 carts, run by one worker thread per core from an esbuild bundle (as the
// Lambdas run); the shards add up exactly to the whole month.
const month = json(
  (
    await run(
      process.execPath,
      [...tsx, 'bench/simulate-month.ts', values.carts, ...(values.shards ? [values.shards] : [])],
      { env, maxBuffer: 1 << 24 },
    )
  ).stdout,
);
console.log(
  `Simulated month: ${n(month.carts)} abandoned carts, ${n(month.events)} events, ${n(month.wakeUps)} wake-ups, ${n(month.reminders)} reminders (${month.shards} shards, ${month.workers} at a time)`,
);
console.log(
  `  ${n(month.eventsPerSecond)} events/s (${n(month.stepsPerSecond)} engine steps/s incl. wake-ups and sends), ${n(month.seconds, 1)} s, ${n(month.cpuSeconds, 1)} s of CPU`,
);
console.log(`  peak memory ${n(month.peakRssMb)} MB\n`);

// 2. Webhook intake against dynalite, next to a bare PutItem in the same run.
const intake = json(
  (
    await run(process.execPath, [...tsx, 'bench/webhook-intake.ts', values.intake], {
      env,
      maxBuffer: 1 << 24,
    })
  ).stdout,
);
console.log(`Webhook intake on dynalite (${n(intake.n)} events each):`);
console.log(
  `  update of a known cart ${n(intake.updateMs, 2)} ms = ${n(intake.updateRatio, 2)}x a bare PutItem of the same item (${n(intake.barePutMs, 2)} ms)`,
);
console.log(
  `  new cart (with its first wake-up) ${n(intake.newCartMs, 2)} ms = ${n(intake.newCartRatio, 2)}x`,
);
console.log(
  `  requests per update ${JSON.stringify(intake.requestsPerUpdate)}; per new cart ${JSON.stringify(intake.requestsPerNewCart)}\n`,
);

// 3. A burst of deliveries against the whole local stack, at 50 at once, with duplicates and invalid bodies.
const burst = json(
  (
    await run(process.execPath, [...tsx, 'bench/webhook-burst.ts', values.burst, '50'], {
      env,
      maxBuffer: 1 << 24,
    })
  ).stdout,
);
console.log(
  `Local stack burst: ${n(burst.requests)} deliveries at ${burst.concurrency} at once (${n(burst.carts)} carts, 20% duplicates, 10% invalid)`,
);
console.log(
  `  ${n(burst.perSecond)} /s, ${n(burst.seconds, 1)} s; latency p50 ${n(burst.latencyMs.p50)} ms, p95 ${n(burst.latencyMs.p95)} ms, p99 ${n(burst.latencyMs.p99)} ms`,
);
console.log(
  `  answers ${JSON.stringify(burst.statuses)}; 5xx ${burst.serverErrors}; events accepted exactly once ${n(burst.acceptedOnce)} of ${n(burst.distinct)}; invalid refused ${burst.invalidRefused} of ${burst.invalidSent}; carts missing an accepted id ${burst.missingIds}, not on their newest snapshot ${burst.notNewest}\n`,
);

// 4. AWS requests per abandoned cart over a simulated month, as the production adapters make them.
const sample = 3000;
const counts = await measureRequests(sample, 1, await readFile('examples/rules.yaml', 'utf8'));
console.log(`AWS requests per abandoned cart (a generated month of ${n(sample)} carts):`);
for (const [service, ops] of Object.entries(counts)) {
  console.log(
    `  ${service.padEnd(10)} ${Object.entries(ops)
      .map(([op, k]) => `${op} ${n(k / sample, 2)}`)
      .join(', ')}`,
  );
}

// 5. Lambda bundles (built the way the CDK app builds them).
if (existsSync('bench/bundle-sizes.ts')) {
  console.log('');
  const bundles = await run(process.execPath, [...tsx, 'bench/bundle-sizes.ts'], { env, maxBuffer: 1 << 24 });
  process.stdout.write(bundles.stdout);
}
