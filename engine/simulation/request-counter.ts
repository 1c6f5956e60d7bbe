import type { EngineDeps } from '../use-cases/engine-deps.js';

/** AWS requests by service and operation, as the production adapters would make them. */
export type RequestCounts = Record<string, Record<string, number>>;

/**
 * Wraps the engine's ports so every call is counted as the AWS request(s) its production adapter
 * makes (see docs/ARCHITECTURE.md): a cart put is one DynamoDB PutItem, a claim one UpdateItem, a
 * wake-up one CreateSchedule, and so on. Lambda invocations are counted by the caller.
 */
export function countRequests(
  deps: EngineDeps,
  counts: RequestCounts = {},
): { deps: EngineDeps; counts: RequestCounts } {
  const polished = new Set<string>();
  const add = (service: string, operation: string) => countOne(counts, service, operation);
  const wrapped: EngineDeps = {
    ...deps,
    carts: {
      get: (id) => (add('DynamoDB', 'GetItem'), deps.carts.get(id)),
      put: (cart, v) => (add('DynamoDB', 'PutItem'), deps.carts.put(cart, v)),
      claimReminder: (id, claim) => (add('DynamoDB', 'UpdateItem'), deps.carts.claimReminder(id, claim)),
      openCartsByEmail: (key) => (add('DynamoDB', 'Query'), deps.carts.openCartsByEmail(key)),
    },
    contacts: {
      get: (key) => (add('DynamoDB', 'GetItem'), deps.contacts.get(key)),
      claimReminderSlot: async (key, slot, cap) => {
        add('DynamoDB', 'UpdateItem');
        const result = await deps.contacts.claimReminderSlot(key, slot, cap);
        // A refused claim is told apart (capped or unsubscribed) by reading the contact.
        if (result !== 'claimed') add('DynamoDB', 'GetItem');
        return result;
      },
      unsubscribe: (key, change) => (add('DynamoDB', 'UpdateItem'), deps.contacts.unsubscribe(key, change)),
      recordCheckout: (key, at) => (add('DynamoDB', 'UpdateItem'), deps.contacts.recordCheckout(key, at)),
    },
    audit: { record: (entry) => (add('DynamoDB', 'PutItem (audit)'), deps.audit.record(entry)) },
    scheduler: {
      schedule: (wake) => (add('Scheduler', 'CreateSchedule'), deps.scheduler.schedule(wake)),
      cancel: (wake) => (add('Scheduler', 'DeleteSchedule'), deps.scheduler.cancel(wake)),
    },
    queue: { enqueue: (job) => (add('SQS', 'SendMessage'), deps.queue.enqueue(job)) },
    mailer: { send: (email) => (add('SES', 'SendEmail'), deps.mailer.send(email)) },
    polisher: {
      // The Bedrock adapter asks once per variant per UTC day (per warm function); count the same way.
      polish: (request) => {
        const key = `${request.line}|${request.tone}|${request.locale}|${request.voice}|${request.rulesVersion}|${deps.clock.now().toISOString().slice(0, 10)}`;
        if (!polished.has(key)) {
          polished.add(key);
          add('Bedrock', 'Converse');
        }
        return deps.polisher.polish(request);
      },
    },
  };
  return { deps: wrapped, counts };
}

/** Adds one count (Lambda invocations and the like, which the ports do not see). */
export function countOne(counts: RequestCounts, service: string, operation: string): void {
  const byOp = (counts[service] ??= {});
  byOp[operation] = (byOp[operation] ?? 0) + 1;
}
