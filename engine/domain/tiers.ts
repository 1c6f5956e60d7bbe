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

/**
 * Size words a tier name may be, smallest first. A name is read as one of these when, lower-cased
 * with "-", "_" and spaces alike, it is exactly one of them; other names ("gold", "b2b") are not
 * compared.
 */
export const TIER_SIZE_ORDER: readonly (readonly string[])[] = [
  ['tiny', 'xs', 'extra small'],
  ['small', 'low'],
  ['medium', 'mid', 'middle', 'regular'],
  ['big', 'large', 'high'],
  ['huge', 'xl', 'extra large', 'jumbo'],
];

/** A tier whose name and threshold disagree in order, and what a person should check. */
export interface TierOrderWarning {
  /** The tier's name, as written. */
  tier: string;
  message: string;
}

function sizeRank(name: string): number | undefined {
  const word = name
    .toLowerCase()
    .replace(/[-_\s]+/g, ' ')
    .trim();
  const rank = TIER_SIZE_ORDER.findIndex((words) => words.includes(word));
  return rank === -1 ? undefined : rank;
}

/**
 * Tiers whose names say one order and whose thresholds another ("medium" starting above "big"):
 * valid rules, but most likely a typo. One warning per tier that starts above a tier its name
 * ranks bigger than (by {@link TIER_SIZE_ORDER}), naming the lowest such tier; the warnings come in
 * the order of the thresholds, whatever the order given.
 * @example tierOrderWarnings([{ name: 'small', minTotal: 0 }, { name: 'big', minTotal: 50 }, { name: 'medium', minTotal: 150 }])
 * // [{ tier: 'medium', message: 'starts at 150, above "big" (50), though its name says it is smaller: ...' }]
 */
export function tierOrderWarnings(tiers: readonly Pick<Tier, 'name' | 'minTotal'>[]): TierOrderWarning[] {
  const sorted = [...tiers].sort((a, b) => a.minTotal - b.minTotal);
  const warnings: TierOrderWarning[] = [];
  for (const tier of sorted) {
    const rank = sizeRank(tier.name);
    // Stryker disable next-line ConditionalExpression: equivalent, an undefined rank compares false with every rank, so no tier is found bigger
    if (rank === undefined) continue;
    const bigger = sorted.find(
      (below) => below.minTotal < tier.minTotal && (sizeRank(below.name) ?? -1) > rank,
    );
    if (bigger) {
      warnings.push({
        tier: tier.name,
        message: `starts at ${tier.minTotal}, above "${bigger.name}" (${bigger.minTotal}), though its name says it is smaller: check the totals or the names`,
      });
    }
  }
  return warnings;
}
