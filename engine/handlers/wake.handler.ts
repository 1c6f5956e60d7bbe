import { parseWakeInput } from '../adapters/scheduler-wake-scheduler.js';
import { ValidationError } from '../domain/errors.js';
import { type WakeDeps, type WakeResult, wakeCart } from '../use-cases/wake-cart.js';
import { wakeContext } from './aws-context.js';

/**
 * EventBridge Scheduler's target: one wake-up of one cart. A bad input is a bug upstream: it throws,
 * so Scheduler retries and then parks it in its dead-letter queue. A second invocation of the same
 * wake-up changes nothing (the use case ignores a stale or already-handled `seq`).
 */
export async function handleWake(deps: WakeDeps, event: unknown): Promise<WakeResult> {
  let wake: { cartId: string; seq: number };
  try {
    wake = parseWakeInput(event);
  } catch (error) {
    if (error instanceof ValidationError) deps.log.error('wake-up input rejected', { errors: error.errors });
    throw error;
  }
  return wakeCart(deps, wake);
}

export const handler = async (event: unknown): Promise<WakeResult> => handleWake(await wakeContext(), event);
