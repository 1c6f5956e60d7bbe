import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { formatPath, MAX_FIELD_ERRORS, toFieldErrors } from '#engine/domain/field-errors.js';

/** The field errors of `value` against `schema`, which it must fail. */
function errorsOf(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected the value to fail');
  return toFieldErrors(result.error);
}

const numbers = z.array(z.number({ error: 'must be a number' }));

describe('formatPath', () => {
  it('writes keys with dots and list positions in brackets', () => {
    expect(formatPath(['cart', 'items', 0, 'price'])).toBe('cart.items[0].price');
    expect(formatPath([2, 'n'])).toBe('[2].n');
    expect(formatPath([])).toBe('');
  });
});

describe('toFieldErrors', () => {
  it('names each problem, and each unknown key one by one', () => {
    const list = errorsOf(z.array(z.object({ n: z.number({ error: 'must be a number' }) })), [{ n: 1 }, {}]);
    const keys = errorsOf(z.strictObject({}), { colour: 1, size: 2 });

    expect(list).toEqual([{ path: '[1].n', message: 'must be a number' }]);
    expect(keys).toEqual([
      { path: 'colour', message: 'is not a known setting (check the spelling)' },
      { path: 'size', message: 'is not a known setting (check the spelling)' },
    ]);
  });

  it(`lists ${MAX_FIELD_ERRORS} problems in full`, () => {
    const errors = errorsOf(numbers, Array(MAX_FIELD_ERRORS).fill('x'));

    expect(errors).toHaveLength(MAX_FIELD_ERRORS);
    expect(errors.at(-1)).toEqual({ path: `[${MAX_FIELD_ERRORS - 1}]`, message: 'must be a number' });
  });

  it('past that, counts the rest in one last error', () => {
    const one = errorsOf(numbers, Array(MAX_FIELD_ERRORS + 1).fill('x'));
    const many = errorsOf(
      z.strictObject({}),
      Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`k${i}`, i])),
    );

    expect(one).toHaveLength(MAX_FIELD_ERRORS + 1);
    expect(one.at(-2)).toEqual({ path: `[${MAX_FIELD_ERRORS - 1}]`, message: 'must be a number' });
    expect(one.at(-1)).toEqual({ path: '', message: 'and 1 more problem not listed' });
    expect(many.at(-1)).toEqual({ path: '', message: 'and 70 more problems not listed' });
  });
});
