import type { ReminderJob, ReminderQueue } from '../../ports.js';

/** A FIFO of reminder jobs; the simulator and the local stack drain it into the sender. */
export class MemoryReminderQueue implements ReminderQueue {
  readonly #jobs: ReminderJob[] = [];
  enqueued = 0;

  async enqueue(job: ReminderJob): Promise<void> {
    this.enqueued++;
    this.#jobs.push(job);
  }

  take(): ReminderJob | undefined {
    return this.#jobs.shift();
  }

  get size(): number {
    return this.#jobs.length;
  }
}
