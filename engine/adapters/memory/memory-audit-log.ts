import type { AuditEntry, AuditLog } from '../../ports.js';

/** Keeps audit entries in memory, in the order they were recorded; `onRecord` lets the simulator watch. */
export class MemoryAuditLog implements AuditLog {
  readonly entries: AuditEntry[] = [];
  constructor(
    private readonly onRecord?: (entry: AuditEntry) => void,
    private readonly keep = true,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    if (this.keep) this.entries.push(entry);
    this.onRecord?.(entry);
  }
}
