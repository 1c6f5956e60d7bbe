import type { Rules } from '../../domain/rules.js';
import type { RulesSource, RulesVersion } from '../../ports.js';

/** Rules fixed at construction: the simulator's `--rules FILE`, and tests. */
export class StaticRulesSource implements RulesSource {
  readonly #current: RulesVersion;
  constructor(rules: Rules, version = 'static') {
    this.#current = { rules, version };
  }
  async current(): Promise<RulesVersion> {
    return this.#current;
  }
}
