'use strict';
/*
 * What `thread-stream` becomes in the Lambda bundles, and only there (an esbuild alias in
 * lambda-build.ts). pino requires it when it loads, but constructs it only for worker-thread
 * transports (`pino.transport()` or the `transport` option); engine/adapters/pino-logger.ts writes
 * synchronously to stdout through `pino.destination()` instead, so Lambda never reaches it. Should a
 * transport ever be configured, this says so at once instead of failing somewhere in a worker.
 */
module.exports = class ThreadStreamNotBundled {
  constructor() {
    throw new Error(
      'pino transports are not part of the Lambda bundles (infra/bundling/lambda-build.ts): log through pino.destination()',
    );
  }
};
