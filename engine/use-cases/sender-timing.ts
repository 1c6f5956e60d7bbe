/**
 * How long a send may take, and what follows from it: the one place the sender's timeout, the
 * reminder queue's visibility timeout and the age at which a claim counts as lost are derived, so the
 * CDK app, the local stack and the sender cannot disagree.
 *
 * A redelivered job finds the first delivery's claim at least `visibility - timeout` old (the claim was
 * made while that delivery ran, which ended by its timeout). A claim is lost once it is older than
 * the longest a live sender could still be working on it (its timeout) with a margin; the first
 * redelivery must already see it as lost, or the queue would drop the job as done.
 */

/** The sender function's timeout: a batch of 5 reminders, each one polish call (1.5 s cap) and one send. */
export const SENDER_TIMEOUT_SECONDS = 30;

/** AWS's advice for a Lambda consumer of SQS: a visibility timeout at least six times the function's. */
export const REMINDER_VISIBILITY_SECONDS = 6 * SENDER_TIMEOUT_SECONDS;

/** A claim older than this with no send after it was left by a sender that stopped mid-way. */
export const LOST_CLAIM_SECONDS = 2 * SENDER_TIMEOUT_SECONDS;
