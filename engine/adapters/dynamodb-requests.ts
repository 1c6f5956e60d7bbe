/**
 * What the DynamoDB adapters share: their options, their base class (one table, the per-operation
 * request count a benchmark reads, a consistent GetItem), and the check that the document client
 * drops undefined values.
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

export type DynamoDbOperation = 'GetItem' | 'BatchGetItem' | 'PutItem' | 'UpdateItem' | 'Query';

/** Requests sent so far, by operation; conditional writes that failed count too (they are billed). */
export type RequestCounts = Partial<Record<DynamoDbOperation, number>>;

export interface DynamoDbAdapterOptions {
  /** Built with `documentClient()` (dynamodb-tables.ts) or with `removeUndefinedValues: true`. */
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Called before every request, e.g. to count requests per cart in a benchmark. */
  onRequest?: (operation: DynamoDbOperation) => void;
}

/** Counts one request in `counts` and tells `onRequest`. */
export function countRequest(
  counts: RequestCounts,
  operation: DynamoDbOperation,
  onRequest: DynamoDbAdapterOptions['onRequest'],
): void {
  counts[operation] = (counts[operation] ?? 0) + 1;
  onRequest?.(operation);
}

/**
 * Fails fast when the document client would reject optional fields left undefined (the domain
 * builds objects such as `{ imageUrl: undefined }`), instead of failing on the first such cart.
 */
export function requireRemoveUndefined(client: DynamoDBDocumentClient, adapter: string): void {
  if (client.config.translateConfig?.marshallOptions?.removeUndefinedValues !== true) {
    throw new Error(
      `${adapter} needs a document client with marshallOptions.removeUndefinedValues = true (see documentClient())`,
    );
  }
}

/** Whether a write lost its condition (DynamoDB's ConditionalCheckFailedException). */
/**
 * One ConditionExpression that holds when every clause holds. A clause with an OR is put in
 * parentheses, since AND binds tighter than OR in DynamoDB's expressions; the others are written
 * bare, because dynalite's parser backtracks at every parenthesis (a clause in needless parentheses
 * cost it several times the whole write: docs/performance.md).
 * @example allOf(['#a = :a', '#b < :b OR #c = :c']) // '#a = :a AND (#b < :b OR #c = :c)'
 */
export function allOf(clauses: readonly string[]): string {
  return clauses.map((clause) => (/\bOR\b/.test(clause) ? `(${clause})` : clause)).join(' AND ');
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
}

/** The base of every DynamoDB adapter: one table of one document client, its requests counted. */
export abstract class DynamoDbTable {
  /** Requests sent so far, by operation. */
  readonly requests: RequestCounts = {};
  protected readonly client: DynamoDBDocumentClient;
  protected readonly table: string;
  readonly #onRequest: DynamoDbAdapterOptions['onRequest'];

  protected constructor(options: DynamoDbAdapterOptions, adapter: string) {
    requireRemoveUndefined(options.client, adapter);
    this.client = options.client;
    this.table = options.tableName;
    this.#onRequest = options.onRequest;
  }

  /** Counts one request about to be sent. */
  protected count(operation: DynamoDbOperation): void {
    countRequest(this.requests, operation, this.#onRequest);
  }

  /** The item under `key`, read strongly consistent (one GetItem), or undefined. */
  protected async getItem(key: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
    this.count('GetItem');
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }),
    );
    return Item;
  }
}
