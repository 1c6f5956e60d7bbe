import { CartRecoveryError, ValidationError } from '../domain/errors.js';
import { COST_USAGE, costCommand } from './cost-command.js';
import { RULES_USAGE, rulesCommand } from './rules-command.js';
import { SIMULATE_USAGE, simulateCommand, UsageError } from './simulate-command.js';

const USAGE = `cart-recovery: gentle abandoned-cart reminders, decided by plain rules.

Commands:
  simulate   replay or generate cart events through the engine on a virtual clock
  cost       estimate the monthly AWS bill for a number of abandoned carts
  rules      check a rules doc and publish it to the rules bucket

${SIMULATE_USAGE}

${COST_USAGE}

${RULES_USAGE}`;

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
      if (error instanceof UsageError) console.error('Run "cart-recovery help" for usage.');
      return 2;
    }
    if (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`cart-recovery: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
