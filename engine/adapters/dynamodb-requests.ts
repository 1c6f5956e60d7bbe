/**
 * What the DynamoDB adapters share: their options, the per-operation request count a benchmark reads,
 * and the check that the document client drops undefined values.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export type DynamoDbOperation = 'GetItem' | 'PutItem' | 'UpdateItem' | 'Query';

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
export function isConditionalCheckFailed(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
}
