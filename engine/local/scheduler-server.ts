import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { DateTime, IANAZone } from 'luxon';
import * as z from 'zod';
import { CartRecoveryError } from '../domain/errors.js';
import { formatPath } from '../domain/field-errors.js';
import type { Logger } from '../ports.js';
import { readBody, sendJson } from './http-body.js';

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

/** The local scheduler could not start (a bad option, an unreadable file). */
export class LocalSchedulerError extends CartRecoveryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LocalSchedulerError';
  }
}

const NAME = /^[0-9a-zA-Z_.-]{1,64}$/;
const CLIENT_TOKEN = /^[a-zA-Z0-9_-]{1,64}$/;
const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;
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

type Target = z.infer<typeof createSchema>['Target'];

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

type Stored = z.infer<typeof storedSchema>;

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

/** An error the Scheduler API answers with: its `x-amzn-errortype`, status and message. */
class ApiError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const validation = (message: string) => new ApiError('ValidationException', 400, message);

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

function parseJson(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw validation('The request body is not valid JSON');
  }
}

/** Scheduler speaks REST-JSON. */
function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, body, { 'content-type': 'application/json', ...headers });
}

const seconds = (ms: number) => ms / 1000;

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
  const now = options.now ?? Date.now;
  const log = options.log ?? silent;
  const pollMs = options.pollMs ?? 1000;
  const maxAttempts = options.maxAttempts ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new LocalSchedulerError('maxAttempts must be a whole number of at least 1');
  }
  if (!(pollMs >= 0) || !(retryDelayMs >= 0)) {
    throw new LocalSchedulerError('pollMs and retryDelayMs must not be negative');
  }

  const schedules = new Map<string, Stored>();
  const deadList: DeadSchedule[] = [];
  const requests: Record<string, number> = {};
  const keyOf = (group: string, name: string) => `${group}/${name}`;

  if (options.file) {
    const loaded = await load(options.file);
    for (const s of loaded.schedules) schedules.set(keyOf(s.group, s.name), s);
    deadList.push(...loaded.dead);
  }

  // Writes are coalesced: each mutation waits for a write that started after it.
  let changes = 0;
  let written = 0;
  let writing: Promise<void> | undefined;
  async function persist(): Promise<void> {
    const file = options.file;
    if (!file) return;
    const wanted = ++changes;
    while (written < wanted) {
      if (!writing) {
        const upTo = changes;
        const text = JSON.stringify({ version: 1, schedules: [...schedules.values()], dead: deadList });
        writing = writeAtomically(file, text)
          .then(() => {
            written = upTo;
          })
          .finally(() => {
            writing = undefined;
          });
      }
      await writing;
    }
  }

  function arnOf(group: string, name: string): string {
    return `arn:aws:scheduler:${region}:${accountId}:schedule/${group}/${name}`;
  }

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

  function find(group: string, name: string): Stored {
    const stored = schedules.get(keyOf(group, name));
    if (!stored) throw new ApiError('ResourceNotFoundException', 404, `Schedule ${name} does not exist.`);
    return stored;
  }

  async function createSchedule(name: string, body: unknown): Promise<unknown> {
    const parsed = createSchema.safeParse(body);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${formatPath(i.path) || '(body)'}: ${i.message}`);
      throw validation(detail.join('; '));
    }
    const input = parsed.data;
    const group = input.GroupName ?? 'default';
    const existing = schedules.get(keyOf(group, name));
    if (existing) {
      // The same client token is a retry of the request that created it: answer as then.
      if (input.ClientToken && input.ClientToken === existing.clientToken)
        return { ScheduleArn: existing.arn };
      throw new ApiError('ConflictException', 409, `Schedule ${name} already exists.`);
    }
    const at = parseAtExpression(input.ScheduleExpression, input.ScheduleExpressionTimezone);
    const t = now();
    const target: Target = input.Target;
    const stored: Stored = {
      name,
      group,
      arn: arnOf(group, name),
      expression: input.ScheduleExpression,
      ...(input.ScheduleExpressionTimezone ? { timezone: input.ScheduleExpressionTimezone } : {}),
      at,
      state: input.State ?? 'ENABLED',
      actionAfterCompletion: input.ActionAfterCompletion ?? 'NONE',
      flexibleTimeWindow: input.FlexibleTimeWindow,
      target,
      ...(input.Description ? { description: input.Description } : {}),
      ...(input.ClientToken ? { clientToken: input.ClientToken } : {}),
      created: t,
      modified: t,
      attempts: 0,
      nextAttemptAt: at,
      completed: false,
    };
    schedules.set(keyOf(group, name), stored);
    await persist();
    log.debug('schedule created', { name, group, at: new Date(at).toISOString() });
    return { ScheduleArn: stored.arn };
  }

  function describeSchedule(s: Stored): unknown {
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

  function listSchedules(query: URLSearchParams): unknown {
    const group = query.get('ScheduleGroup');
    const prefix = query.get('NamePrefix') ?? '';
    const state = query.get('State');
    const maxResults = Number(query.get('MaxResults') ?? 100);
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
      throw validation('MaxResults must be from 1 to 100');
    }
    const start = Number(query.get('NextToken') ?? 0);
    if (!Number.isInteger(start) || start < 0) throw validation('The NextToken is invalid');
    const all = [...schedules.values()]
      .filter(
        (s) => (!group || s.group === group) && s.name.startsWith(prefix) && (!state || s.state === state),
      )
      .sort((a, b) => keyOf(a.group, a.name).localeCompare(keyOf(b.group, b.name)));
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

  async function route(req: IncomingMessage): Promise<{ operation: string; body: unknown }> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parts = url.pathname.split('/').filter(Boolean);
    const method = req.method ?? 'GET';
    if (parts[0] !== 'schedules' || parts.length > 2) {
      throw new ApiError('UnknownOperationException', 404, `No operation at ${method} ${url.pathname}`);
    }
    if (parts.length === 1) {
      if (method !== 'GET') throw new ApiError('UnknownOperationException', 404, `No operation at ${method}`);
      return { operation: 'ListSchedules', body: listSchedules(url.searchParams) };
    }
    const name = nameFrom(parts[1] ?? '');
    if (method === 'POST') {
      const raw = await readBody(req, MAX_BODY);
      if (raw === undefined) throw validation('The request body is too large');
      const body = parseJson(raw.toString('utf8'));
      return { operation: 'CreateSchedule', body: await createSchedule(name, body) };
    }
    if (method === 'GET') {
      const group = groupFrom(url.searchParams.get('groupName'));
      return { operation: 'GetSchedule', body: describeSchedule(find(group, name)) };
    }
    if (method === 'DELETE') {
      const group = groupFrom(url.searchParams.get('groupName'));
      find(group, name);
      schedules.delete(keyOf(group, name));
      await persist();
      log.debug('schedule deleted', { name, group });
      return { operation: 'DeleteSchedule', body: {} };
    }
    throw new ApiError('UnknownOperationException', 404, `No operation at ${method} ${url.pathname}`);
  }

  const server = createServer((req, res) => {
    route(req)
      .then(({ operation, body }) => {
        requests[operation] = (requests[operation] ?? 0) + 1;
        send(res, 200, body);
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError) {
          send(res, error.status, { Message: error.message }, { 'x-amzn-errortype': error.type });
          return;
        }
        log.error('local scheduler request failed', { error: String(error) });
        send(res, 500, { Message: 'Internal error' }, { 'x-amzn-errortype': 'InternalServerException' });
      });
  });

  let closed = false;
  let firing: Promise<number> = Promise.resolve(0);

  async function fireOnce(s: Stored): Promise<boolean> {
    const key = keyOf(s.group, s.name);
    s.attempts++;
    const fired: FiredSchedule = {
      name: s.name,
      group: s.group,
      input: s.target.Input ?? '{}',
      targetArn: s.target.Arn,
    };
    try {
      await options.onFire(fired);
    } catch (error) {
      if (schedules.get(key) !== s) return false;
      const message = error instanceof Error ? error.message : String(error);
      log.warn('schedule target failed', {
        name: s.name,
        group: s.group,
        attempt: s.attempts,
        error: message,
      });
      if (s.attempts >= maxAttempts) {
        schedules.delete(key);
        const deadLetterArn = s.target.DeadLetterConfig?.Arn;
        deadList.push({
          ...fired,
          attempts: s.attempts,
          error: message,
          ...(deadLetterArn ? { deadLetterArn } : {}),
        });
      } else {
        s.nextAttemptAt = now() + retryDelayMs * 2 ** (s.attempts - 1);
      }
      await persist();
      return false;
    }
    log.debug('schedule fired', { name: s.name, group: s.group });
    if (schedules.get(key) === s) {
      if (s.actionAfterCompletion === 'DELETE') schedules.delete(key);
      else s.completed = true;
      await persist();
    }
    return true;
  }

  async function runDue(): Promise<number> {
    if (closed) return 0;
    const t = now();
    const due = [...schedules.values()]
      .filter((s) => s.state === 'ENABLED' && !s.completed && s.nextAttemptAt <= t)
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.name.localeCompare(b.name));
    let fired = 0;
    for (const s of due) {
      if (schedules.get(keyOf(s.group, s.name)) !== s) continue;
      if (await fireOnce(s)) fired++;
    }
    return fired;
  }

  function fireDue(): Promise<number> {
    // One run at a time: a poll and a manual call never fire the same schedule twice.
    const run = firing.then(runDue, runDue);
    firing = run.catch(() => 0);
    return run;
  }

  const timer =
    pollMs > 0
      ? setInterval(() => {
          fireDue().catch((error: unknown) =>
            log.error('local scheduler poll failed', { error: String(error) }),
          );
        }, pollMs)
      : undefined;
  timer?.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    endpoint: `http://${host}:${address.port}`,
    requests,
    pending: () => [...schedules.values()].filter((s) => s.state === 'ENABLED' && !s.completed).length,
    dead: () => deadList.map((d) => ({ ...d })),
    fireDue,
    async stop() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      // Requests under way get a moment to be answered; then every connection is cut.
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), 200);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      await firing;
      if (options.file) await persist();
    },
  };
}

async function load(file: string): Promise<z.infer<typeof fileSchema>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, schedules: [], dead: [] };
    throw new LocalSchedulerError(`Cannot read the schedules file ${file}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new LocalSchedulerError(`The schedules file ${file} is not valid JSON`, { cause: error });
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    throw new LocalSchedulerError(`The schedules file ${file} is not a local scheduler file`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  // A rename replaces the file whole: a crash mid-write never leaves half a file behind.
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text, 'utf8');
  await rename(temporary, file);
}
