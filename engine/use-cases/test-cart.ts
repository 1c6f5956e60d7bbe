import type { Cart } from '../domain/cart.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import type { EngineDeps } from './engine-deps.js';

/**
 * The cart an owner's test reminder is about: known, and with contents to show.
 * @throws NotFoundError when it is unknown; ValidationError when only its checkout is known.
 */
export async function namedTestCart(deps: Pick<EngineDeps, 'carts'>, cartId: string): Promise<Cart> {
  const cart = await deps.carts.get(cartId);
  if (!cart) throw new NotFoundError(`no cart with id "${cartId}" is known to Cart Recovery`);
  if (!cart.snapshot)
    throw new ValidationError('The test reminder', [
      { path: 'cartId', message: `cart "${cartId}" has no contents to show (only its checkout is known)` },
    ]);
  return cart;
}
