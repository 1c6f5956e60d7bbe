import type { Logger, Polisher, PolishRequest } from '../ports.js';

/** Why a polished line was not used. */
export type PolishFallbackReason =
  | 'timeout'
  | 'error'
  | 'not_text'
  | 'empty'
  | 'multiline'
  | 'too_long'
  | 'url'
  | 'markup'
  | 'placeholder';

const MAX_LINE_CHARS = 240;
const NEWLINE = /[\r\n\u2028\u2029]/;
const MARKUP = /[<>]/;
// A model may slip in a link; the email's only links are ours.
const URL_LIKE =
  /[a-z][a-z0-9+.-]*:\/\/|\bwww\.|\b(?:mailto|javascript|data):|\b[a-z0-9-]+\.(?:com|net|org|io|co|shop|store|info|biz|app|ly|me)\b/i;

const PLACEHOLDER = /\{[a-z]+\}/g;

class PolishTimeout {}

function judge(line: string, template: string): PolishFallbackReason | undefined {
  // Every {placeholder} of the template must come back exactly once, and no other.
  const wanted = (template.match(PLACEHOLDER) ?? []).sort().join();
  if ((line.match(PLACEHOLDER) ?? []).sort().join() !== wanted) return 'placeholder';
  if (line.length === 0) return 'empty';
  if (NEWLINE.test(line)) return 'multiline';
  if (line.length > MAX_LINE_CHARS) return 'too_long';
  if (URL_LIKE.test(line)) return 'url';
  if (MARKUP.test(line)) return 'markup';
  return undefined;
}

/**
 * Asks the Polisher to rewrite the reminder's line into the store's voice, and uses the answer only
 * when it comes within `timeoutMs` and is a plausible single line: not empty, no line breaks, at
 * most 240 characters, no URL, no `<` or `>`. Otherwise, whatever went wrong, the reminder goes out
 * with `request.line` and a warning is logged with the reason (never the line). Never rejects.
 */
export async function polishLine(
  polisher: Polisher,
  request: PolishRequest,
  log?: Logger,
  timeoutMs = 1500,
): Promise<{ line: string; polished: boolean }> {
  let timer: NodeJS.Timeout | undefined;
  let reason: PolishFallbackReason | undefined;
  try {
    // A polisher that throws at once is caught below, like one that rejects.
    const pending = polisher.polish(request);
    const timeout = new Promise<PolishTimeout>((resolve) => {
      timer = setTimeout(() => resolve(new PolishTimeout()), timeoutMs);
    });
    const answer: unknown = await Promise.race([pending, timeout]);
    if (answer instanceof PolishTimeout) {
      reason = 'timeout';
    } else {
      if (typeof answer !== 'string') {
        reason = 'not_text';
      } else {
        const line = answer.trim();
        reason = judge(line, request.line);
        if (!reason) return { line, polished: true };
      }
    }
  } catch {
    reason = 'error';
  } finally {
    clearTimeout(timer);
  }
  log?.warn('polished line not used; sending the default line', { reason });
  return { line: request.line, polished: false };
}
