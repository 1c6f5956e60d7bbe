/**
 * Request and response plumbing the local AWS servers share (Scheduler, SQS, Secrets Manager,
 * Bedrock): a bounded body read and a JSON answer with the headers the SDK clients expect.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/**
 * The whole request body, or undefined when it is larger than `maxBytes` (the rest is read and
 * dropped, so the connection stays usable).
 */
export async function readBody(req: AsyncIterable<unknown>, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= maxBytes) chunks.push(chunk as Buffer);
  }
  return size > maxBytes ? undefined : Buffer.concat(chunks);
}

/** A JSON answer with its length and a request id, as AWS sends them; nothing if the client left. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> & { 'content-type': string },
): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(text);
}
