/**
 * The demo's view of the local SES mail viewer (`npm start`'s "Mail viewer" address): the emails it
 * holds, read from its JSON `GET /store`.
 */
import { CartRecoveryError } from '../domain/errors.js';

/** What the demo reads of an email in the viewer. */
export interface ViewedEmail {
  subject: string;
  destination: { to: string[] };
}

/** The mail viewer at `url` did not answer, or not as a mail viewer: the message names the URL and what to check. */
export class MailViewerError extends CartRecoveryError {
  constructor(
    readonly url: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(
      `cannot read the mail viewer at ${url} (${problem}): is "npm start" running, and is --mail the "Mail viewer" its banner shows?`,
      options,
    );
    this.name = 'MailViewerError';
  }
}

/** Every email the mail viewer at `url` holds, oldest first; a {@link MailViewerError} if it cannot be read. */
export async function viewedEmails(url: string): Promise<ViewedEmail[]> {
  const response = await fetch(`${url}/store`).catch((cause: unknown) => {
    throw new MailViewerError(url, 'no answer', { cause });
  });
  const store = (await response.json().catch(() => undefined)) as { emails?: unknown } | undefined;
  if (!response.ok || !Array.isArray(store?.emails))
    throw new MailViewerError(url, `GET /store answered ${response.status}, not a list of emails`);
  return store.emails as ViewedEmail[];
}
