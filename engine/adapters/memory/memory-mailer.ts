import type { Mailer, OutgoingEmail } from '../../ports.js';

/** Collects sent emails (or hands them to `onSend`) and numbers them. */
export class MemoryMailer implements Mailer {
  readonly sent: (OutgoingEmail & { messageId: string })[] = [];
  #count = 0;
  constructor(
    private readonly onSend?: (email: OutgoingEmail, messageId: string) => void | Promise<void>,
    private readonly keep = true,
  ) {}

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const messageId = `local-${++this.#count}`;
    if (this.keep) this.sent.push({ ...email, messageId });
    await this.onSend?.(email, messageId);
    return { messageId };
  }
}
