import type { TokenSealer } from '../domain/unsubscribe-token.js';
import type {
  AuditLog,
  CartStore,
  Clock,
  ContactStore,
  Logger,
  Mailer,
  Polisher,
  ReminderQueue,
  RulesSource,
  WakeScheduler,
} from '../ports.js';

/** Where one-click unsubscribe links point and what seals their tokens. */
export interface UnsubscribeLinks {
  /** Base URL; the token is appended as `<base>/<token>` (e.g. https://…/u). */
  baseUrl: string;
  /** Made once per secret (`createTokenSealer`): it holds the keys derived from it. */
  tokens: TokenSealer;
}

/** Every port the engine uses. A use case takes the few it needs: `Pick<EngineDeps, ...>`. */
export interface EngineDeps {
  carts: CartStore;
  contacts: ContactStore;
  scheduler: WakeScheduler;
  queue: ReminderQueue;
  mailer: Mailer;
  polisher: Polisher;
  rules: RulesSource;
  audit: AuditLog;
  clock: Clock;
  log: Logger;
  links: UnsubscribeLinks;
}
