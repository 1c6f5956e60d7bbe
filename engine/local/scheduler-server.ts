import * as z from 'zod';
import { formatPath } from '../domain/field-errors.js';
import type { Logger } from '../ports.js';
import { type JsonHttpRequest, startJsonHttpServer } from './json-http-server.js';
import {
  type DeadSchedule,
  type FiredSchedule,
  LocalSchedulerError,
  SchedulerApiError,
  SchedulerState,
  type StoredSchedule,
  validation,
} from './scheduler-state.js';

export { type DeadSchedule, type FiredSchedule, LocalSchedulerError };

export interface LocalSchedulerOptions {
  /** 0 or absent: a free port. */
  port?: number;
  host?: string;
  /** Keeps schedules (and dead ones) in this JSON file, so a restart loses nothing. */
  file?: string;
  /** Invokes the target; a rejection counts as a failed invocation. */
  onFire: (schedule: FiredSchedule) => Promise<void>;
  /** The scheduler's clock in epoch ms (a faster one for a speed factor); defaults to `Date.now`. */
  now?: () => number;
  /** How often due schedules are fired, in real ms; 0 turns polling off (call `fireDue`). */
  pollMs?: number;
  /** Invocations of one schedule before it is dead. */
  maxAttempts?: number;
  /** Wait before the first retry, in the scheduler's ms; doubled for each further one. */
  retryDelayMs?: number;
  region?: string;
  accountId?: string;
  log?: Logger;
}

export interface LocalScheduler {
  /** `http://host:port`, for the SDK client's `endpoint`. */
  endpoint: string;
  /** Requests answered with success, by operation (errors are not counted). */
  requests: Record<string, number>;
  /** Schedules that will still fire. */
  pending(): number;
  /** Schedules whose target failed `maxAttempts` times, oldest first. */
  dead(): DeadSchedule[];
  /** Fires every due schedule once, in time order; resolves to how many invocations succeeded. */
  fireDue(): Promise<number>;
  /** Stops polling and serving, lets a running fire finish and writes the file a last time. */
  stop(): Promise<void>;
}

const NAME = /^[0-9a-zA-Z_.-]{1,64}$/;
const CLIENT_TOKEN = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_BODY = 1024 * 1024;
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

const createSchema = z.object({
  ScheduleExpression: z.string().min(1).max(256),
  ScheduleExpressionTimezone: z.string().min(1).max(50).optional(),
  GroupName: z.string().regex(NAME, { error: 'must be 1 to 64 of [0-9a-zA-Z-_.]' }).optional(),
  FlexibleTimeWindow: z
    .object({
      Mode: z.enum(['OFF', 'FLEXIBLE']),
      MaximumWindowInMinutes: z.number().int().min(1).max(1440).optional(),
    })
    .refine((w) => w.Mode === 'OFF' || w.MaximumWindowInMinutes !== undefined, {
      error: 'FLEXIBLE needs MaximumWindowInMinutes',
    }),
  Target: z.object({
    Arn: z.string().min(1).max(1600),
    RoleArn: z.string().min(1).max(1600),
    Input: z.string().min(1).optional(),
    RetryPolicy: z
      .object({
        MaximumEventAgeInSeconds: z.number().int().min(60).max(86_400).optional(),
        MaximumRetryAttempts: z.number().int().min(0).max(185).optional(),
      })
      .optional(),
    DeadLetterConfig: z.object({ Arn: z.string().min(1).max(1600).optional() }).optional(),
  }),
  State: z.enum(['ENABLED', 'DISABLED']).optional(),
  ActionAfterCompletion: z.enum(['NONE', 'DELETE']).optional(),
  ClientToken: z.string().regex(CLIENT_TOKEN, { error: 'must be 1 to 64 of [a-zA-Z0-9-_]' }).optional(),
  Description: z.string().max(512).optional(),
});

const seconds = (ms: number) => ms / 1000;
const noOperation = (method: string, path?: string) =>
  new SchedulerApiError(
    'UnknownOperationException',
    404,
    `No operation at ${method}${path ? ` ${path}` : ''}`,
  );

function nameFrom(raw: string): string {
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    throw validation('The schedule name is not a valid URI component');
  }
  if (!NAME.test(name)) throw validation(`Name ${name} must be 1 to 64 of [0-9a-zA-Z-_.]`);
  return name;
}

function groupFrom(raw: string | null): string {
  const group = raw ?? 'default';
  if (!NAME.test(group)) throw validation(`GroupName ${group} must be 1 to 64 of [0-9a-zA-Z-_.]`);
  return group;
}

function describeSchedule(s: StoredSchedule): unknown {
  return {
    Arn: s.arn,
    GroupName: s.group,
    Name: s.name,
    ScheduleExpression: s.expression,
    ScheduleExpressionTimezone: s.timezone,
    State: s.state,
    CreationDate: seconds(s.created),
    LastModificationDate: seconds(s.modified),
    Target: s.target,
    FlexibleTimeWindow: s.flexibleTimeWindow,
    ActionAfterCompletion: s.actionAfterCompletion,
    Description: s.description,
  };
}

/** The REST-JSON routes of EventBridge Scheduler (`/schedules`, `/schedules/{Name}`) over the schedules. */
class SchedulerApi {
  readonly #state: SchedulerState;

  constructor(state: SchedulerState) {
    this.#state = state;
  }

  async handle(request: JsonHttpRequest): Promise<{ operation: string; body: unknown }> {
    const { method, url } = request;
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts[0] !== 'schedules' || parts.length > 2) throw noOperation(method, url.pathname);
    if (parts.length === 1) {
      if (method !== 'GET') throw noOperation(method);
      return { operation: 'ListSchedules', body: this.#list(url.searchParams) };
    }
    const name = nameFrom(parts[1] ?? '');
    if (method === 'POST') {
      return { operation: 'CreateSchedule', body: await this.#create(name, await request.json()) };
    }
    if (method === 'GET') {
      const group = groupFrom(url.searchParams.get('groupName'));
      return { operation: 'GetSchedule', body: describeSchedule(this.#state.get(group, name)) };
    }
    if (method === 'DELETE') {
      await this.#state.delete(groupFrom(url.searchParams.get('groupName')), name);
      return { operation: 'DeleteSchedule', body: {} };
    }
    throw noOperation(method, url.pathname);
  }

  async #create(name: string, body: unknown): Promise<unknown> {
    const parsed = createSchema.safeParse(body);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${formatPath(i.path) || '(body)'}: ${i.message}`);
      throw validation(detail.join('; '));
    }
    const input = parsed.data;
    const stored = await this.#state.create({
      name,
      group: input.GroupName ?? 'default',
      expression: input.ScheduleExpression,
      timezone: input.ScheduleExpressionTimezone,
      state: input.State ?? 'ENABLED',
      actionAfterCompletion: input.ActionAfterCompletion ?? 'NONE',
      flexibleTimeWindow: input.FlexibleTimeWindow,
      target: input.Target,
      description: input.Description,
      clientToken: input.ClientToken,
    });
    return { ScheduleArn: stored.arn };
  }

  #list(query: URLSearchParams): unknown {
    const maxResults = Number(query.get('MaxResults') ?? 100);
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
      throw validation('MaxResults must be from 1 to 100');
    }
    const start = Number(query.get('NextToken') ?? 0);
    if (!Number.isInteger(start) || start < 0) throw validation('The NextToken is invalid');
    const all = this.#state.list({
      group: query.get('ScheduleGroup') ?? undefined,
      namePrefix: query.get('NamePrefix') ?? '',
      state: query.get('State') ?? undefined,
    });
    const page = all.slice(start, start + maxResults);
    return {
      Schedules: page.map((s) => ({
        Arn: s.arn,
        Name: s.name,
        GroupName: s.group,
        State: s.state,
        CreationDate: seconds(s.created),
        LastModificationDate: seconds(s.modified),
        Target: { Arn: s.target.Arn },
      })),
      ...(start + maxResults < all.length ? { NextToken: String(start + maxResults) } : {}),
    };
  }
}

/**
 * Starts a local EventBridge Scheduler: the REST-JSON API of CreateSchedule, GetSchedule,
 * DeleteSchedule and ListSchedules for one-time `at()` schedules, which it fires once each at their
 * time by calling `onFire`. A schedule with ActionAfterCompletion DELETE is deleted after it fired;
 * a failing target is retried with backoff, then set aside in `dead()`. Any schedule group is
 * accepted without being created first. Quiet unless given a logger.
 * @example
 * const scheduler = await startLocalScheduler({ onFire: async (s) => wake(JSON.parse(s.input)) });
 * const client = new SchedulerClient({ endpoint: scheduler.endpoint, region: 'us-east-1', credentials });
 */
export async function startLocalScheduler(options: LocalSchedulerOptions): Promise<LocalScheduler> {
  const log = options.log ?? silent;
  const pollMs = options.pollMs ?? 1000;
  const maxAttempts = options.maxAttempts ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new LocalSchedulerError('maxAttempts must be a whole number of at least 1');
  }
  if (!(pollMs >= 0) || !(retryDelayMs >= 0)) {
    throw new LocalSchedulerError('pollMs and retryDelayMs must not be negative');
  }

  const state = await SchedulerState.load({
    file: options.file,
    onFire: options.onFire,
    now: options.now ?? Date.now,
    maxAttempts,
    retryDelayMs,
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '000000000000',
    log,
  });
  const api = new SchedulerApi(state);
  const http = await startJsonHttpServer({
    name: 'local scheduler',
    port: options.port,
    host: options.host,
    contentType: 'application/json',
    maxBodyBytes: MAX_BODY,
    badBody: (problem) =>
      validation(
        problem === 'too-large' ? 'The request body is too large' : 'The request body is not valid JSON',
      ),
    route: (request) => api.handle(request),
    errorReply: (error) =>
      error instanceof SchedulerApiError
        ? {
            status: error.status,
            body: { Message: error.message },
            headers: { 'x-amzn-errortype': error.type },
          }
        : undefined,
    internalError: {
      status: 500,
      body: { Message: 'Internal error' },
      headers: { 'x-amzn-errortype': 'InternalServerException' },
    },
    log,
  });
  state.startPolling(pollMs);

  let stopping: Promise<void> | undefined;
  return {
    endpoint: http.endpoint,
    requests: http.requests,
    pending: () => state.pending(),
    dead: () => state.dead(),
    fireDue: () => state.fireDue(),
    stop() {
      stopping ??= (async () => {
        state.stopFiring();
        await http.close();
        await state.flush();
      })();
      return stopping;
    },
  };
}
