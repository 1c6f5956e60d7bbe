/**
 * Built with the Lambda bundle options by lambda-build.test.ts, to run SDK calls, the logger and the
 * rules parsers as they run in a deployed function (credential chain swapped, SDK schemas rewritten,
 * Bedrock's SSO token fallback swapped; the YAML parser as the rules sync bundles it).
 */
export { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
export { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
export { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
export { createLambdaLogger } from '../../../engine/adapters/lambda-logger.js';
export { parseRulesJson, rulesJson } from '../../../engine/adapters/s3-rules-source.js';
export { parseRulesYaml } from '../../../engine/domain/rules-yaml.js';
export { rulesYaml } from '../../../sheets-sync/rules-sheet.js';
