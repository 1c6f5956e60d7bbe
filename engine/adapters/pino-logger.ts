import { pino } from 'pino';
import type { Logger } from '../ports.js';
import type { LogLevel } from './lambda-logger.js';

export type { LogLevel };

/**
 * The one structured logger: JSON lines with a fixed `msg` and data beside it, for the local stack
 * and the CLI (the simulator sends logs to stderr so its stdout stays pure JSON lines). The Lambda
 * functions write the same lines without pino: `createLambdaLogger` (lambda-logger.ts).
 */
export function createLogger(
  options: { level?: LogLevel; to?: 'stdout' | 'stderr'; name?: string } = {},
): Logger {
  const base = pino(
    {
      level: options.level ?? 'info',
      base: options.name ? { svc: options.name } : null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ fd: options.to === 'stderr' ? 2 : 1, sync: true }),
  );
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, data?: Record<string, unknown>): void => {
      if (data) base[level](data, message);
      else base[level](message);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A logger that drops everything (benchmarks). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
