import { describe, expect, it } from 'vitest';
import { allOf } from '#engine/adapters/dynamodb-requests.js';

describe('allOf', () => {
  it('joins clauses with AND, putting only a clause with an OR in parentheses', () => {
    expect(allOf(['#a = :a', '#b < :b OR #b = :b AND #c < :c', 'NOT contains(#ids, :id)'])).toBe(
      '#a = :a AND (#b < :b OR #b = :b AND #c < :c) AND NOT contains(#ids, :id)',
    );
  });

  it('reads OR as a word, not inside a name such as #ORDER or :color', () => {
    expect(allOf(['#ORDER = :color', 'size(#ids) < :max'])).toBe('#ORDER = :color AND size(#ids) < :max');
  });

  it('gives one clause as it is', () => {
    expect(allOf(['attribute_exists(#wake)'])).toBe('attribute_exists(#wake)');
  });
});
