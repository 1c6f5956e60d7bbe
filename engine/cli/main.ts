import { readFile } from 'node:fs/promises';
import { CartRecoveryError, ValidationError } from '../domain/errors.js';
import { UsageError } from './arguments.js';
import { COST_USAGE, costCommand } from './cost-command.js';
import { PREVIEW_USAGE, previewCommand } from './preview-command.js';
import { RULES_USAGE, rulesCommand } from './rules-command.js';
import { SIMULATE_USAGE, simulateCommand } from './simulate-command.js';

const USAGE = `cart-recovery: gentle abandoned-cart reminders, decided by plain rules.

Usage: cart-recovery COMMAND [options]   (cart-recovery COMMAND --help, cart-recovery --version)

Commands:
  simulate   replay or generate cart events through the engine on a virtual clock
  cost       estimate the monthly AWS bill for a number of abandoned carts
  rules      check a rules doc and publish it to the rules bucket
  preview    write a reminder exactly as it would be sent (HTML, text, .eml)

${SIMULATE_USAGE}

${COST_USAGE}

${RULES_USAGE}

${PREVIEW_USAGE}`;

/** Runs one CLI command; returns the process exit code (0 ok, 1 bug, 2 bad input). */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'simulate':
        return await simulateCommand(rest);
      case 'cost':
        return await costCommand(rest);
      case 'rules':
        return await rulesCommand(rest);
      case 'preview':
        return await previewCommand(rest);
      case '--version':
      case '-v':
      case 'version':
        console.log(`cart-recovery ${await version()}`);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof ValidationError) {
      console.error(`cart-recovery: ${error.message.split(':')[0]}:`);
      for (const e of error.errors) console.error(`  ${e.path || '(root)'}: ${e.message}`);
      return 2;
    }
    if (error instanceof CartRecoveryError) {
      console.error(`cart-recovery: ${error.message}`);
      if (error instanceof UsageError) {
        const known =
          command === 'simulate' || command === 'cost' || command === 'rules' || command === 'preview';
        console.error(`Run "cart-recovery ${known ? `${command} --help` : 'help'}" for usage.`);
      }
      return 2;
    }
    // A bug, not bad input: one line, the exit code says so; the stack only when asked for.
    console.error(
      `cart-recovery: unexpected error: ${error instanceof Error ? error.message : String(error)}`,
    );
    if (process.env.CART_RECOVERY_DEBUG) console.error(error);
    else console.error('Run again with CART_RECOVERY_DEBUG=1 to see where it happened.');
    return 1;
  }
}

/** The version in package.json. */
async function version(): Promise<string> {
  const text = await readFile(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
