import type { ClickTokenSealer } from '../domain/click-token.js';
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

/** Where a reminder's links point (one-click unsubscribe, the return link's redirect) and what seals their tokens. */
export interface UnsubscribeLinks {
  /** Base URL; the token is appended as `<base>/<token>` (e.g. https://…/u). */
  baseUrl: string;
  /** Made once per secret (`createTokenSealer`): it holds the keys derived from it. */
  tokens: TokenSealer;
  /**
   * Base URL of the return link's redirect on the same Function URL (`<base>/<token>`, e.g.
   * https://…/r): a click is counted there, then the shopper goes on to the cart.
   */
  clickBaseUrl: string;
  /** Made once per secret (`createClickTokenSealer`). */
  clicks: ClickTokenSealer;
}

/** The redirect base on the same Function URL as an unsubscribe base ending in `/u`: `…/r`. */
export function clickBaseFor(unsubscribeBaseUrl: string): string {
  return `${unsubscribeBaseUrl.replace(/\/+$/, '').replace(/\/u$/, '')}/r`;
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
