import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { InvalidUnsubscribeTokenError } from '../domain/errors.js';
import type { EngineDeps } from '../use-cases/engine-deps.js';
import { type UnsubscribeDeps, unsubscribeByToken } from '../use-cases/unsubscribe.js';
import { unsubscribeContext } from './aws-context.js';
import { html, method, rawBody } from './function-url.js';
import { badTokenPage, confirmPage, donePage, notAllowedPage } from './unsubscribe-pages.js';

/** The unsubscribe function needs only what opens tokens, not the links' base URL. */
export type UnsubscribeContext = UnsubscribeDeps & { links: Pick<EngineDeps['links'], 'tokens'> };

const TOKEN_PATH = /^\/u\/([A-Za-z0-9_-]{16,400})\/?$/;

/**
 * One-click unsubscribe (RFC 8058). GET /u/<token> shows a confirmation page with a button; POST
 * /u/<token> (a mail client's `List-Unsubscribe=One-Click`, or that button) unsubscribes at once.
 * A bad token gets a plain 400 page and changes nothing.
 */
export async function handleUnsubscribe(
  ctx: UnsubscribeContext,
  event: LambdaFunctionURLEvent,
): Promise<LambdaFunctionURLResult> {
  const verb = method(event);
  const match = TOKEN_PATH.exec(event.rawPath ?? '');
  if (verb !== 'GET' && verb !== 'POST') return html(405, notAllowedPage(), { allow: 'GET, POST' });
  if (!match?.[1]) {
    ctx.log.warn('unsubscribe refused', { reason: 'no token in the path' });
    return html(400, badTokenPage());
  }
  const token = match[1];
  try {
    if (verb === 'GET') {
      // Only check the token here: a GET must never unsubscribe.
      ctx.links.tokens.open(token);
      return html(200, confirmPage((await ctx.rules.current()).rules.store.name));
    }
    const form = new URLSearchParams(rawBody(event).toString('utf8'));
    if (form.get('List-Unsubscribe') !== 'One-Click') {
      ctx.log.warn('unsubscribe refused', { reason: 'POST without List-Unsubscribe=One-Click' });
      return html(400, badTokenPage());
    }
    await unsubscribeByToken(ctx, token);
    return html(200, donePage((await ctx.rules.current()).rules.store.name));
  } catch (error) {
    if (error instanceof InvalidUnsubscribeTokenError) {
      ctx.log.warn('unsubscribe refused', { reason: 'invalid token' });
      return html(400, badTokenPage());
    }
    throw error;
  }
}

export const handler = async (event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> =>
  handleUnsubscribe(await unsubscribeContext(), event);
