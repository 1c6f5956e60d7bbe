/**
 * The local scheduler's schedules: one-time `at()` schedules kept (optionally) in a JSON file, fired
 * once each at their time with retries and a dead-letter list, as EventBridge Scheduler does. The
 * REST-JSON API in front of them is `scheduler-server.ts`.
 */
import { DateTime, IANAZone } from 'luxon';
import * as z from 'zod';
import { CartRecoveryError } from '../domain/errors.js';
import type { Logger } from '../ports.js';
import { LocalStateFileError, readJsonFile, SnapshotWriter } from './atomic-json-file.js';

/** What the local scheduler hands to `onFire` when a schedule is due. */
export interface FiredSchedule {
  name: string;
  group: string;
  input: string;
  targetArn: string;
}

/** A schedule whose target kept failing: kept aside like Scheduler's dead-letter queue. */
export interface DeadSchedule extends FiredSchedule {
  attempts: number;
  error: string;
  deadLetterArn?: string;
}

/** The local scheduler could not start (a bad option, an unreadable file). */
export class LocalSchedulerError extends CartRecoveryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LocalSchedulerError';
  }
}

/** An error the Scheduler API answers with: its `x-amzn-errortype`, status and message. */
export class SchedulerApiError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'SchedulerApiError';
  }
}

export const validation = (message: string) => new SchedulerApiError('ValidationException', 400, message);

const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;

const storedSchema = z.object({
  name: z.string(),
  group: z.string(),
  arn: z.string(),
  expression: z.string(),
  timezone: z.string().optional(),
  at: z.number(),
  state: z.enum(['ENABLED', 'DISABLED']),
  actionAfterCompletion: z.enum(['NONE', 'DELETE']),
  flexibleTimeWindow: z.object({ Mode: z.string(), MaximumWindowInMinutes: z.number().optional() }),
  target: z.object({
    Arn: z.string(),
    RoleArn: z.string(),
    Input: z.string().optional(),
    RetryPolicy: z
      .object({
        MaximumEventAgeInSeconds: z.number().optional(),
        MaximumRetryAttempts: z.number().optional(),
      })
      .optional(),
    DeadLetterConfig: z.object({ Arn: z.string().optional() }).optional(),
  }),
  description: z.string().optional(),
  clientToken: z.string().optional(),
  created: z.number(),
  modified: z.number(),
  attempts: z.number(),
  nextAttemptAt: z.number(),
  completed: z.boolean(),
});

/** A schedule as the local scheduler keeps it (and writes it to its file). */
export type StoredSchedule = z.infer<typeof storedSchema>;

const deadSchema = z.object({
  name: z.string(),
  group: z.string(),
  input: z.string(),
  targetArn: z.string(),
  attempts: z.number(),
  error: z.string(),
  deadLetterArn: z.string().optional(),
});

const fileSchema = z.object({
  version: z.literal(1),
  schedules: z.array(storedSchema),
  dead: z.array(deadSchema),
});

/** A CreateSchedule request, validated. */
export type NewSchedule = Pick<
  StoredSchedule,
  | 'name'
  | 'group'
  | 'expression'
  | 'timezone'
  | 'state'
  | 'actionAfterCompletion'
  | 'flexibleTimeWindow'
  | 'target'
  | 'description'
  | 'clientToken'
>;

export interface ScheduleFilter {
  group?: string;
  namePrefix: string;
  state?: string;
}

export interface SchedulerStateSettings {
  /** Keeps schedules (and dead ones) in this JSON file, so a restart loses nothing. */
  file?: string;
  /** Invokes the target; a rejection counts as a failed invocation. */
  onFire: (schedule: FiredSchedule) => Promise<void>;
  /** The scheduler's clock in epoch ms. */
  now: () => number;
  /** Invocations of one schedule before it is dead. */
  maxAttempts: number;
  /** Wait before the first retry, in the scheduler's ms; doubled for each further one. */
  retryDelayMs: number;
  region: string;
  accountId: string;
  log: Logger;
}

const keyOf = (group: string, name: string) => `${group}/${name}`;

/** Epoch ms of an `at(...)` expression in a time zone (UTC when none). */
function parseAtExpression(expression: string, timezone = 'UTC'): number {
  const match = AT.exec(expression);
  if (!match) {
    throw validation(`Invalid Schedule Expression ${expression}: the local scheduler takes at() only`);
  }
  if (!IANAZone.isValidZone(timezone)) throw validation(`Invalid ScheduleExpressionTimezone ${timezone}`);
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const local = DateTime.fromObject({ year, month, day, hour, minute, second }, { zone: timezone });
  if (!local.isValid) throw validation(`Invalid Schedule Expression ${expression}: no such date or time`);
  return local.toMillis();
}

/**
 * The schedules, their firing and their file. Every change resolves once it is written to the file.
 * @example
 * const state = await SchedulerState.load(settings);
 * state.startPolling(1000);
 */
export class SchedulerState {
  readonly #schedules = new Map<string, StoredSchedule>();
  readonly #dead: DeadSchedule[] = [];
  readonly #settings: SchedulerStateSettings;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #firing: Promise<number> = Promise.resolve(0);
  readonly #file: SnapshotWriter | undefined;

  private constructor(settings: SchedulerStateSettings) {
    this.#settings = settings;
    this.#file =
      settings.file === undefined
        ? undefined
        : new SnapshotWriter(settings.file, () =>
            JSON.stringify({ version: 1, schedules: [...this.#schedules.values()], dead: this.#dead }),
          );
  }

  /**
   * The schedules in `settings.file` (none without one, or when it does not exist yet).
   * @throws LocalSchedulerError for a file that cannot be read or is not a schedules file.
   */
  static async load(settings: SchedulerStateSettings): Promise<SchedulerState> {
    const state = new SchedulerState(settings);
    if (settings.file) {
      const loaded = await load(settings.file);
      for (const s of loaded.schedules) state.#schedules.set(keyOf(s.group, s.name), s);
      state.#dead.push(...loaded.dead);
    }
    return state;
  }

  /**
   * Adds a schedule; a repeat with the same client token answers the one it made.
   * @throws SchedulerApiError ConflictException for a name taken, ValidationException for a bad expression.
   */
  async create(input: NewSchedule): Promise<StoredSchedule> {
    const { name, group } = input;
    const existing = this.#schedules.get(keyOf(group, name));
    if (existing) {
      // The same client token is a retry of the request that created it: answer as then.
      if (input.clientToken && input.clientToken === existing.clientToken) return existing;
      throw new SchedulerApiError('ConflictException', 409, `Schedule ${name} already exists.`);
    }
    const at = parseAtExpression(input.expression, input.timezone);
    const t = this.#settings.now();
    const { region, accountId } = this.#settings;
    const stored: StoredSchedule = {
      name,
      group,
      arn: `arn:aws:scheduler:${region}:${accountId}:schedule/${group}/${name}`,
      expression: input.expression,
      ...(input.timezone ? { timezone: input.timezone } : {}),
      at,
      state: input.state,
      actionAfterCompletion: input.actionAfterCompletion,
      flexibleTimeWindow: input.flexibleTimeWindow,
      target: input.target,
      ...(input.description ? { description: input.description } : {}),
      ...(input.clientToken ? { clientToken: input.clientToken } : {}),
      created: t,
      modified: t,
      attempts: 0,
      nextAttemptAt: at,
      completed: false,
    };
    this.#schedules.set(keyOf(group, name), stored);
    await this.#persist();
    this.#settings.log.debug('schedule created', { name, group, at: new Date(at).toISOString() });
    return stored;
  }

  /** @throws SchedulerApiError ResourceNotFoundException. */
  get(group: string, name: string): StoredSchedule {
    const stored = this.#schedules.get(keyOf(group, name));
    if (!stored)
      throw new SchedulerApiError('ResourceNotFoundException', 404, `Schedule ${name} does not exist.`);
    return stored;
  }

  /** @throws SchedulerApiError ResourceNotFoundException. */
  async delete(group: string, name: string): Promise<void> {
    this.get(group, name);
    this.#schedules.delete(keyOf(group, name));
    await this.#persist();
    this.#settings.log.debug('schedule deleted', { name, group });
  }

  /** The schedules that match, ordered by group and name (the order ListSchedules pages through). */
  list(filter: ScheduleFilter): StoredSchedule[] {
    const { group, namePrefix, state } = filter;
    return [...this.#schedules.values()]
      .filter(
        (s) =>
          (!group || s.group === group) && s.name.startsWith(namePrefix) && (!state || s.state === state),
      )
      .sort((a, b) => keyOf(a.group, a.name).localeCompare(keyOf(b.group, b.name)));
  }

  /** Schedules that will still fire. */
  pending(): number {
    return [...this.#schedules.values()].filter((s) => s.state === 'ENABLED' && !s.completed).length;
  }

  /** Schedules whose target failed `maxAttempts` times, oldest first. */
  dead(): DeadSchedule[] {
    return this.#dead.map((d) => ({ ...d }));
  }

  /** Fires every due schedule once, in time order; resolves to how many invocations succeeded. */
  fireDue(): Promise<number> {
    // One run at a time: a poll and a manual call never fire the same schedule twice.
    const run = this.#firing.then(
      () => this.#runDue(),
      () => this.#runDue(),
    );
    this.#firing = run.catch(() => 0);
    return run;
  }

  /** Fires due schedules every `pollMs` real ms; 0 leaves firing to `fireDue`. */
  startPolling(pollMs: number): void {
    if (pollMs <= 0 || this.#timer) return;
    this.#timer = setInterval(() => {
      this.fireDue().catch((error: unknown) =>
        this.#settings.log.error('local scheduler poll failed', { error: String(error) }),
      );
    }, pollMs);
    this.#timer.unref();
  }

  /** No schedule fires from now on (a fire under way finishes). */
  stopFiring(): void {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
  }

  /** Waits for a fire under way and writes the file a last time. */
  async flush(): Promise<void> {
    await this.#firing;
    await this.#persist();
  }

  async #runDue(): Promise<number> {
    if (this.#stopped) return 0;
    const t = this.#settings.now();
    const due = [...this.#schedules.values()]
      .filter((s) => s.state === 'ENABLED' && !s.completed && s.nextAttemptAt <= t)
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.name.localeCompare(b.name));
    let fired = 0;
    for (const s of due) {
      if (this.#schedules.get(keyOf(s.group, s.name)) !== s) continue;
      if (await this.#fireOnce(s)) fired++;
    }
    return fired;
  }

  async #fireOnce(s: StoredSchedule): Promise<boolean> {
    const { log, maxAttempts, retryDelayMs } = this.#settings;
    const key = keyOf(s.group, s.name);
    s.attempts++;
    const fired: FiredSchedule = {
      name: s.name,
      group: s.group,
      input: s.target.Input ?? '{}',
      targetArn: s.target.Arn,
    };
    try {
      await this.#settings.onFire(fired);
    } catch (error) {
      // Deleted (or replaced) while its target ran: nothing of it is left to retry.
      if (this.#schedules.get(key) !== s) return false;
      const message = error instanceof Error ? error.message : String(error);
      log.warn('schedule target failed', {
        name: s.name,
        group: s.group,
        attempt: s.attempts,
        error: message,
      });
      if (s.attempts >= maxAttempts) {
        this.#schedules.delete(key);
        const deadLetterArn = s.target.DeadLetterConfig?.Arn;
        this.#dead.push({
          ...fired,
          attempts: s.attempts,
          error: message,
          ...(deadLetterArn ? { deadLetterArn } : {}),
        });
      } else {
        s.nextAttemptAt = this.#settings.now() + retryDelayMs * 2 ** (s.attempts - 1);
      }
      await this.#persist();
      return false;
    }
    log.debug('schedule fired', { name: s.name, group: s.group });
    if (this.#schedules.get(key) === s) {
      if (s.actionAfterCompletion === 'DELETE') this.#schedules.delete(key);
      else s.completed = true;
      await this.#persist();
    }
    return true;
  }

  /** Resolves once the change just made is in the file: only then may the API answer. */
  async #persist(): Promise<void> {
    await this.#file?.save();
  }
}

async function load(file: string): Promise<z.infer<typeof fileSchema>> {
  try {
    return (await readJsonFile(file, fileSchema, 'schedules')) ?? { version: 1, schedules: [], dead: [] };
  } catch (error) {
    if (!(error instanceof LocalStateFileError)) throw error;
    throw new LocalSchedulerError(error.message, { cause: error.cause });
  }
}
