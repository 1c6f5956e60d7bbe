import type { z } from 'zod';
import type { FieldError } from './errors.js';

/** Renders a zod path the way a person reads it: `cart.items[0].price`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/**
 * How many field errors one answer lists. A body of 256 KB can hold a hundred thousand bad list
 * entries or unknown keys: named one by one they would make an answer of megabytes (over Lambda's
 * 6 MB response limit), and no sender reads past the first few.
 */
export const MAX_FIELD_ERRORS = 50;

/**
 * Flattens zod issues into field errors, one per problem, unknown keys named one by one; past
 * {@link MAX_FIELD_ERRORS}, one last error (path "") counts the rest.
 */
export function toFieldErrors(error: z.ZodError): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({
          path: formatPath([...issue.path, key]),
          message: 'is not a known setting (check the spelling)',
        });
      }
    } else {
      out.push({ path: formatPath(issue.path), message: issue.message });
    }
  }
  if (out.length <= MAX_FIELD_ERRORS) return out;
  const more = out.length - MAX_FIELD_ERRORS;
  return [
    ...out.slice(0, MAX_FIELD_ERRORS),
    { path: '', message: `and ${more} more ${more === 1 ? 'problem' : 'problems'} not listed` },
  ];
}
