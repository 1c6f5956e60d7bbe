'use strict';
/*
 * What `web-streams-polyfill` becomes in the Lambda bundles, and only there (an esbuild alias in
 * lambda-build.ts). The Google functions reach it through gaxios -> node-fetch -> fetch-blob, whose
 * streams.cjs requires it only when `globalThis.ReadableStream` is missing and `node:stream/web`
 * cannot be loaded either: never on Node.js 18 or later, and the functions run on Node.js 24.
 */
throw new Error(
  'web-streams-polyfill is not part of the Lambda bundles (infra/bundling/lambda-build.ts): Node.js 18+ has ReadableStream',
);
