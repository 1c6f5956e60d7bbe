import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';

const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml|.+\+json))/i;
/** Function URLs refuse bodies over 6 MB; anything far over our own 256 KB limit is cut off early. */
const MAX_READ_BYTES = 1024 * 1024;

/**
 * Turns a Node HTTP request into the event a Lambda Function URL would deliver: lower-cased headers,
 * the raw path and query, and the body as text or, for other content types, base64 (as Lambda does).
 */
export async function toFunctionUrlEvent(request: IncomingMessage): Promise<LambdaFunctionURLEvent> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= MAX_READ_BYTES) chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks);
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  // A text body that is not valid UTF-8 goes as base64, so its bytes (and the signature over them)
  // reach the handler as they were sent, and it can say what is wrong with them.
  const isText = TEXT_TYPES.test(headers['content-type'] ?? '') && isUtf8(body);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: `local-${now.getTime().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0
      ? { body: isText ? body.toString('utf8') : body.toString('base64'), isBase64Encoded: !isText }
      : { isBase64Encoded: false }),
  } as LambdaFunctionURLEvent;
}

/** Writes a Function URL result back as an HTTP response. */
export function sendFunctionUrlResult(response: ServerResponse, result: LambdaFunctionURLResult): void {
  if (typeof result === 'string') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(result);
    return;
  }
  const headers: Record<string, string | number | boolean> = { ...(result.headers ?? {}) };
  const body = result.body
    ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8')
    : Buffer.alloc(0);
  response.writeHead(result.statusCode ?? 200, { ...headers, 'content-length': body.length });
  response.end(body);
}
