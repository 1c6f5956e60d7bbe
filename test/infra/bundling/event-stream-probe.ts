/**
 * Built by lazy-packages.test.ts as a handler is built (`buildEntry`), to run an operation whose
 * answer is an event stream through the SDK's event-stream module in its own file beside index.mjs.
 */
export { S3Client, SelectObjectContentCommand } from '@aws-sdk/client-s3';
