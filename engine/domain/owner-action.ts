import * as z from 'zod';
import { ValidationError } from './errors.js';
import { toFieldErrors } from './field-errors.js';

const text = (what: string, max: number) =>
  z
    .string({ error: `${what} must be text` })
    .trim()
    .min(1, { error: `${what} must not be empty` })
    .max(max, { error: `${what} must be at most ${max} characters` });

/** The fields of an owner action, for schemas that add to them (the signed endpoint adds a nonce). */
export const ownerActionFields = {
  action: z.enum(['suppress', 'unsubscribe', 'write_off'], {
    error: 'action must be suppress, unsubscribe or write_off',
  }),
  cartId: text('cartId', 200).optional(),
  email: z
    .string({ error: 'email must be an email address' })
    .trim()
    .pipe(z.email({ error: 'email must be an email address' }))
    .optional(),
  reason: text('reason', 500).default('no reason given'),
  actor: text('actor', 200).default('owner'),
};

/** An action names its target once: a cart, or a shopper's email. */
export function checkOneTarget(
  value: { cartId?: string | undefined; email?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (!value.cartId && !value.email)
    ctx.addIssue({ code: 'custom', path: ['cartId'], message: 'give a cartId or an email' });
  if (value.cartId && value.email) {
    ctx.addIssue({ code: 'custom', path: ['email'], message: 'give a cartId or an email, not both' });
  }
}

export const ownerActionSchema = z.object(ownerActionFields).superRefine(checkOneTarget);

/** An owner's action from the Apps Script menu (or the simulator): stop reminders for a cart or a shopper. */
export type OwnerAction = z.infer<typeof ownerActionSchema>;

/** Validates an owner action body; every field error at once. */
export function parseOwnerAction(
  body: unknown,
): { ok: true; action: OwnerAction } | { ok: false; error: ValidationError } {
  const result = ownerActionSchema.safeParse(body);
  if (result.success) return { ok: true, action: result.data };
  return { ok: false, error: new ValidationError('The owner action', toFieldErrors(result.error)) };
}

/**
 * The owner's test send, from the sheet menu: reminders 1 and 2 of a cart (or of a sample cart, with
 * no cartId) to the owner's own address.
 */
export const testReminderFields = {
  action: z.literal('test_reminder', { error: 'action must be test_reminder' }),
  cartId: ownerActionFields.cartId,
  to: ownerActionFields.email,
  actor: ownerActionFields.actor,
};
