import type { Logger } from '#engine/ports.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogCall {
  level: LogLevel;
  message: string;
  data?: Record<string, unknown>;
}

/** A Logger that keeps every call, so a test can read what was logged (and what was not). */
export class RecordingLogger implements Logger {
  readonly calls: LogCall[] = [];

  debug(message: string, data?: Record<string, unknown>): void {
    this.#record('debug', message, data);
  }
  info(message: string, data?: Record<string, unknown>): void {
    this.#record('info', message, data);
  }
  warn(message: string, data?: Record<string, unknown>): void {
    this.#record('warn', message, data);
  }
  error(message: string, data?: Record<string, unknown>): void {
    this.#record('error', message, data);
  }

  /** The calls of one level, in order. */
  at(level: LogLevel): LogCall[] {
    return this.calls.filter((c) => c.level === level);
  }

  /** Everything logged, as one string: for "this never shows up in a log" checks. */
  text(): string {
    return JSON.stringify(this.calls);
  }

  #record(level: LogLevel, message: string, data?: Record<string, unknown>): void {
    this.calls.push(data === undefined ? { level, message } : { level, message, data });
  }
}
