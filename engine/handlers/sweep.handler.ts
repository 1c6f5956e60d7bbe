import { type SweepDeps, type SweepResult, sweepStuckCarts } from '../use-cases/sweep-stuck-carts.js';
import { wakeContext } from './aws-context.js';

/**
 * EventBridge Scheduler's every-15-minutes target: re-plans open carts whose wake-up is long overdue
 * (see sweepStuckCarts). Its input is ignored; a failure throws, so Scheduler retries.
 */
export async function handleSweep(deps: SweepDeps): Promise<SweepResult> {
  return sweepStuckCarts(deps);
}

// The sweep needs exactly what a wake-up needs: it wakes carts the same way.
export const handler = async (): Promise<SweepResult> => handleSweep(await wakeContext());
