import type { Rules, Tier } from './rules.js';

/**
 * The tier of a cart total: the one with the greatest `minTotal` at or below it. Rules always hold a
 * tier starting at 0 (the schema insists) and are sorted by `minTotal`.
 * @example tierFor(rules, '50.00').name // 'medium' with the default tiers
 */
export function tierFor(rules: Rules, total: string | number): Tier {
  const value = Number(total);
  let chosen = rules.tiers[0];
  for (const tier of rules.tiers) {
    if (tier.minTotal <= value) chosen = tier;
  }
  if (!chosen) throw new Error('rules without tiers reached the engine');
  return chosen;
}
