import { createClickTokenSealer } from '../../domain/click-token.js';
import type { Rules } from '../../domain/rules.js';
import { createTokenSealer } from '../../domain/unsubscribe-token.js';
import type { AuditEntry, Logger, OutgoingEmail, Polisher } from '../../ports.js';
import type { EngineDeps } from '../../use-cases/engine-deps.js';
import { silentLogger } from '../pino-logger.js';
import { ManualClock } from './manual-clock.js';
import { MemoryAuditLog } from './memory-audit-log.js';
import { MemoryCartStore } from './memory-cart-store.js';
import { MemoryContactStore } from './memory-contact-store.js';
import { MemoryMailer } from './memory-mailer.js';
import { MemoryReminderQueue } from './memory-reminder-queue.js';
import { MemoryWakeScheduler } from './memory-wake-scheduler.js';
import { StaticRulesSource } from './static-rules-source.js';
import { TemplatePolisher } from './template-polisher.js';

export interface MemoryEngineOptions {
  rules: Rules;
  rulesVersion?: string;
  start: Date | string | number;
  log?: Logger;
  polisher?: Polisher;
  /** Keep every sent email and audit entry in memory (tests); off for month-long simulations. */
  keep?: boolean;
  onSend?: (email: OutgoingEmail, messageId: string) => void | Promise<void>;
  onAudit?: (entry: AuditEntry) => void;
  links?: EngineDeps['links'];
}

/** Every port wired to its in-memory twin, plus handles on the twins for driving and inspecting them. */
export interface MemoryEngine {
  deps: EngineDeps;
  clock: ManualClock;
  carts: MemoryCartStore;
  contacts: MemoryContactStore;
  scheduler: MemoryWakeScheduler;
  queue: MemoryReminderQueue;
  mailer: MemoryMailer;
  audit: MemoryAuditLog;
}

/** Builds the engine on in-memory adapters: the simulator, use-case tests and benchmarks share it. */
export function memoryEngine(options: MemoryEngineOptions): MemoryEngine {
  const keep = options.keep ?? true;
  const clock = new ManualClock(options.start);
  const carts = new MemoryCartStore();
  const contacts = new MemoryContactStore();
  const scheduler = new MemoryWakeScheduler();
  const queue = new MemoryReminderQueue();
  const mailer = new MemoryMailer(options.onSend, keep);
  const audit = new MemoryAuditLog(options.onAudit, keep);
  const deps: EngineDeps = {
    carts,
    contacts,
    scheduler,
    queue,
    mailer,
    audit,
    clock,
    polisher: options.polisher ?? new TemplatePolisher(),
    rules: new StaticRulesSource(options.rules, options.rulesVersion ?? 'static'),
    log: options.log ?? silentLogger,
    links: options.links ?? {
      baseUrl: 'http://localhost:3000/u',
      tokens: createTokenSealer('simulator-unsubscribe-key'),
      clickBaseUrl: 'http://localhost:3000/r',
      clicks: createClickTokenSealer('simulator-unsubscribe-key'),
    },
  };
  return { deps, clock, carts, contacts, scheduler, queue, mailer, audit };
}
