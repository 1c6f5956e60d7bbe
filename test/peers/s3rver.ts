// The local stack's peers serve the tests as they are.
export * from '#engine/local/peers/s3rver.js';
