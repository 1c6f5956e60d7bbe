import type { EngineDeps } from '../use-cases/engine-deps.js';

/** AWS requests by service and operation, as the production adapters would make them. */
export type RequestCounts = Record<string, Record<string, number>>;

/** Adds one count (Lambda invocations and the like, which the ports do not see). */
export function countOne(counts: RequestCounts, service: string, operation: string): void {
  const byOp = counts[service] ?? {};
  counts[service] = byOp;
  byOp[operation] = (byOp[operation] ?? 0) + 1;
}

/**
 * Wraps the engine's ports so every call is counted as the AWS request(s) its production adapter
 * makes (see docs/dynamodb-schema.md): a cart put is one DynamoDB PutItem, a claim one UpdateItem, a
 * wake-up one CreateSchedule, and so on. Lambda invocations are counted by the caller.
 */
export function countRequests(
  deps: EngineDeps,
  counts: RequestCounts = {},
): { deps: EngineDeps; counts: RequestCounts } {
  const counted =
    <A extends unknown[], R>(service: string, operation: string, call: (...args: A) => R) =>
    (...args: A): R => {
      countOne(counts, service, operation);
      return call(...args);
    };
  const { carts, contacts, audit, scheduler, queue, mailer, polisher, clock } = deps;
  const polished = new Set<string>();
  const wrapped: EngineDeps = {
    ...deps,
    carts: {
      get: counted('DynamoDB', 'GetItem', (id) => carts.get(id)),
      put: counted('DynamoDB', 'PutItem', (cart, version) => carts.put(cart, version)),
      claimReminder: counted('DynamoDB', 'UpdateItem', (id, claim) => carts.claimReminder(id, claim)),
      recordClick: counted('DynamoDB', 'UpdateItem', (id, n, at) => carts.recordClick(id, n, at)),
      openCartsByEmail: counted('DynamoDB', 'Query', (key) => carts.openCartsByEmail(key)),
      openCartsWokenBefore: counted('DynamoDB', 'Query', (at, limit) =>
        carts.openCartsWokenBefore(at, limit),
      ),
      applyNewerSnapshot: counted('DynamoDB', 'UpdateItem', (update) => carts.applyNewerSnapshot(update)),
    },
    contacts: {
      get: counted('DynamoDB', 'GetItem', (key) => contacts.get(key)),
      claimReminderSlot: counted('DynamoDB', 'UpdateItem', async (key, slot, cap) => {
        const result = await contacts.claimReminderSlot(key, slot, cap);
        // A refused claim is told apart (capped or unsubscribed) by reading the contact.
        if (result !== 'claimed') countOne(counts, 'DynamoDB', 'GetItem');
        return result;
      }),
      unsubscribe: counted('DynamoDB', 'UpdateItem', (key, change) => contacts.unsubscribe(key, change)),
      recordCheckout: counted('DynamoDB', 'UpdateItem', (key, at) => contacts.recordCheckout(key, at)),
      // The salt is read with the first contact: a bucket costs no request of its own.
      holdoutBucket: (key) => contacts.holdoutBucket(key),
    },
    audit: { record: counted('DynamoDB', 'PutItem (audit)', (entry) => audit.record(entry)) },
    scheduler: {
      schedule: counted('Scheduler', 'CreateSchedule', (wake) => scheduler.schedule(wake)),
      cancel: counted('Scheduler', 'DeleteSchedule', (wake) => scheduler.cancel(wake)),
    },
    queue: { enqueue: counted('SQS', 'SendMessage', (job) => queue.enqueue(job)) },
    mailer: { send: counted('SES', 'SendEmail', (email) => mailer.send(email)) },
    polisher: {
      // The Bedrock adapter asks once per variant per UTC day (per warm function); count the same way.
      polish: (request) => {
        const day = clock.now().toISOString().slice(0, 10);
        const key = [
          request.line,
          request.tone,
          request.language,
          request.voice,
          request.rulesVersion,
          day,
        ].join('|');
        if (!polished.has(key)) {
          polished.add(key);
          countOne(counts, 'Bedrock', 'Converse');
        }
        return polisher.polish(request);
      },
    },
  };
  return { deps: wrapped, counts };
}
