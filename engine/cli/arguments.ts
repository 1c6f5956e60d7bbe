import { type ParseArgsConfig, parseArgs } from 'node:util';
import { CartRecoveryError } from '../domain/errors.js';

/** A command-line mistake: printed with a pointer to the usage, exit code 2. */
export class UsageError extends CartRecoveryError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `parseArgs` for one command, strict, with two kindnesses: a value that starts with a dash right after
 * a string option (`--carts -5`) is taken as that option's value, so the range check can name it, and
 * every parse error becomes a {@link UsageError} that names the command.
 */
export function parseCommandArgs<O extends Options>(
  command: string,
  argv: string[],
  options: O,
  allowPositionals = false,
) {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    const next = argv[i + 1];
    if (name && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  try {
    return parseArgs({ args: joined, options, allowPositionals, strict: true });
  } catch (error) {
    if (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
      throw new UsageError(`${command}: ${error.message}`);
    throw error;
  }
}

/** A whole number of at least `min`, or a {@link UsageError} naming the flag and what it got. */
export function wholeNumber(flag: string, text: string | undefined, min = 1): number {
  if (text === undefined) throw new UsageError(`${flag} is required: a whole number of at least ${min}`);
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min)
    throw new UsageError(`${flag} must be a whole number of at least ${min}, got "${text}"`);
  return value;
}
