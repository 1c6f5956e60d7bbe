import { randomBytes } from 'node:crypto';
import { PutCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { auditExpiresAt, DEFAULT_RETENTION } from '../domain/retention.js';
import type { AuditEntry, AuditLog } from '../ports.js';
import { type DynamoDbAdapterOptions, DynamoDbTable } from './dynamodb-requests.js';
import { AUDIT_INDEXES, AUDIT_KEYS, TTL_ATTRIBUTES } from './dynamodb-tables.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const SEQUENCE_SPAN = 36 ** 6;
let sequence = 0;

/**
 * `<at>#<sequence><random>`: sorted by time; entries of one process at the same `at` (a use case
 * records several with one `now`) keep their write order; the random part keeps two processes from
 * overwriting each other.
 */
function sortKey(utcAt: string): string {
  const seq = (sequence++ % SEQUENCE_SPAN).toString(36).padStart(6, '0');
  return `${utcAt}#${seq}${randomBytes(6).toString('base64url')}`;
}

/** The partition of an entry: its cart, else its email hash. */
export function auditPartition(entry: Pick<AuditEntry, 'cartId' | 'emailHash'>): string {
  if (entry.cartId !== undefined) return `cart#${entry.cartId}`;
  if (entry.emailHash !== undefined) return `email#${entry.emailHash}`;
  return 'none';
}

function itemToEntry(item: Record<string, unknown>): AuditEntry {
  const {
    [AUDIT_KEYS.partition]: _pk,
    [AUDIT_KEYS.sort]: _sk,
    [AUDIT_KEYS.month]: _month,
    [TTL_ATTRIBUTES.audit]: _expiresAt,
    ...entry
  } = item;
  return entry as unknown as AuditEntry;
}

export interface DynamoDbAuditLogOptions extends DynamoDbAdapterOptions {
  /** Items per Query page (DynamoDB's Limit); unset: up to 1 MB per page. */
  pageSize?: number;
  /** Calendar months a row is kept (its TTL); DEFAULT_RETENTION.auditMonths unless given. */
  auditMonths?: number;
}

/**
 * The audit log on one DynamoDB table: one PutItem per entry, partitioned by cart (or email hash),
 * with a by-month index for the monthly summary. `before`, `after` and `detail` are stored as maps.
 * Every row carries a TTL, `auditMonths` after its `at`.
 */
export class DynamoDbAuditLog extends DynamoDbTable implements AuditLog {
  readonly #pageSize: number | undefined;
  readonly #auditMonths: number;

  constructor(options: DynamoDbAuditLogOptions) {
    super(options, 'DynamoDbAuditLog');
    this.#pageSize = options.pageSize;
    this.#auditMonths = options.auditMonths ?? DEFAULT_RETENTION.auditMonths;
  }

  async record(entry: AuditEntry): Promise<void> {
    const ms = Date.parse(entry.at);
    if (Number.isNaN(ms)) throw new RangeError('audit entry at is not an ISO time');
    const utcAt = new Date(ms).toISOString();
    this.count('PutItem');
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...entry,
          [AUDIT_KEYS.partition]: auditPartition(entry),
          [AUDIT_KEYS.sort]: sortKey(utcAt),
          [AUDIT_KEYS.month]: utcAt.slice(0, 7),
          [TTL_ATTRIBUTES.audit]: auditExpiresAt(utcAt, this.#auditMonths),
        },
      }),
    );
  }

  /** Every entry of one cart, oldest first (consistent read). */
  async byCart(cartId: string): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    for await (const entry of this.#query({
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': AUDIT_KEYS.partition },
      ExpressionAttributeValues: { ':pk': auditPartition({ cartId }) },
      ConsistentRead: true,
    })) {
      entries.push(entry);
    }
    return entries;
  }

  /**
   * Every entry of one UTC month, oldest first, page by page (the index is eventually consistent).
   * The index carries `AUDIT_MONTH_ATTRIBUTES` only: these entries have no `before` or `after`.
   * @example for await (const entry of audit.byMonth('2026-06')) tally(entry);
   */
  byMonth(month: string): AsyncIterable<AuditEntry> {
    if (!MONTH.test(month))
      throw new RangeError(`month must look like 2026-06, not ${JSON.stringify(month)}`);
    return this.#query({
      IndexName: AUDIT_INDEXES.byMonth,
      KeyConditionExpression: '#month = :month',
      ExpressionAttributeNames: { '#month': AUDIT_KEYS.month },
      ExpressionAttributeValues: { ':month': month },
    });
  }

  async *#query(input: Omit<QueryCommandInput, 'TableName'>): AsyncGenerator<AuditEntry> {
    let startKey: Record<string, unknown> | undefined;
    do {
      this.count('Query');
      const page = await this.client.send(
        new QueryCommand({
          ...input,
          TableName: this.table,
          ExclusiveStartKey: startKey,
          ...(this.#pageSize ? { Limit: this.#pageSize } : {}),
        }),
      );
      for (const item of page.Items ?? []) yield itemToEntry(item);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}
