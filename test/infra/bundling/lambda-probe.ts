/**
 * Built with the Lambda bundle options by lambda-build.test.ts, to run SDK calls, the logger and the
 * rules parser as they run in a deployed function (credential chain swapped, SDK schemas rewritten,
 * Bedrock's SSO token fallback swapped, pino without thread-stream, yaml's ES module build).
 */
export { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
export { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
export { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
export { createLogger } from '../../../engine/adapters/pino-logger.js';
export { parseRulesYaml } from '../../../engine/domain/rules.js';
