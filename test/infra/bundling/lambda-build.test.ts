import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { build, type Metafile } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseRulesJson, rulesJson } from '#engine/adapters/s3-rules-source.js';
import { parseRulesYaml } from '#engine/domain/rules-yaml.js';
import { type LocalBedrock, startLocalBedrock } from '#engine/local/bedrock-server.js';
import { rulesYaml } from '#sheets-sync/rules-sheet.js';
import { type DynalitePeer, startDynalite } from '#test/peers/dynalite.js';
import { type S3rverPeer, startS3rver } from '#test/peers/s3rver.js';
import {
  buildHandler,
  HANDLERS,
  lambdaBuildOptions,
  PROJECT_ROOT,
} from '../../../infra/bundling/lambda-build.js';

const run = promisify(execFile);
type Probe = typeof import('./lambda-probe.js');

const PROBE = join(PROJECT_ROOT, 'test/infra/bundling/lambda-probe.ts');

let dir: string;
let bundle: string;
let probe: Probe;
let probeInputs: string[];

/** The npm packages a bundle holds code of. */
const packagesIn = (metafile: Metafile) =>
  new Set(
    Object.values(metafile.outputs).flatMap((output) =>
      Object.entries(output.inputs)
        .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
        .map(([input]) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? ''),
    ),
  );

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lambda-probe-'));
  bundle = join(dir, 'index.mjs');
  const { metafile } = await build(lambdaBuildOptions(PROBE, bundle));
  probeInputs = [...packagesIn(metafile)];
  probe = (await import(pathToFileURL(bundle).href)) as Probe;
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  vi.unstubAllEnvs();
});

function lambdaCredentials(accessKeyId: string, secretAccessKey: string, sessionToken?: string): void {
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.stubEnv('AWS_ACCESS_KEY_ID', accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', secretAccessKey);
  vi.stubEnv('AWS_SESSION_TOKEN', sessionToken);
}

/** A DynamoDB stand-in that records each request's headers and answers GetItem with no item. */
async function recordingDynamo(): Promise<{
  endpoint: string;
  headers: IncomingHttpHeaders[];
  server: Server;
}> {
  const headers: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    headers.push(req.headers);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, headers, server };
}

describe('a Lambda bundle', () => {
  it('signs AWS requests with the credentials Lambda puts in the environment', async () => {
    const dynamo = await recordingDynamo();
    lambdaCredentials('ASIAEXAMPLEKEYID0001', 'secret', 'session-token-1');
    const client = new probe.DynamoDBClient({ endpoint: dynamo.endpoint, region: 'eu-west-1' });
    try {
      await client.send(new probe.GetItemCommand({ TableName: 't', Key: { pk: { S: 'k' } } }));
    } finally {
      client.destroy();
      dynamo.server.close();
    }

    expect(dynamo.headers).toHaveLength(1);
    expect(dynamo.headers[0]?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEKEYID0001\/\d{8}\/eu-west-1\/dynamodb\/aws4_request,/,
    );
    expect(dynamo.headers[0]?.['x-amz-security-token']).toBe('session-token-1');
  });

  it('fails an AWS call with the names of the missing variables, without sending it', async () => {
    const dynamo = await recordingDynamo();
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_ACCESS_KEY_ID', undefined);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', undefined);
    const client = new probe.DynamoDBClient({ endpoint: dynamo.endpoint, region: 'eu-west-1' });
    try {
      await expect(
        client.send(new probe.GetItemCommand({ TableName: 't', Key: { pk: { S: 'k' } } })),
      ).rejects.toThrow(/No AWS credentials in the environment: .*AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY/);
    } finally {
      client.destroy();
      dynamo.server.close();
    }

    expect(dynamo.headers).toEqual([]);
  });

  describe('calling Bedrock', () => {
    let bedrock: LocalBedrock;

    beforeAll(async () => {
      bedrock = await startLocalBedrock({ host: '127.0.0.1' });
    });

    afterAll(async () => {
      await bedrock?.stop();
    });

    async function converse(): Promise<unknown> {
      const client = new probe.BedrockRuntimeClient({
        endpoint: bedrock.endpoint,
        region: 'us-east-1',
        maxAttempts: 1,
      });
      try {
        return await client.send(
          new probe.ConverseCommand({
            modelId: 'anthropic.claude-haiku-4-5-20251001-v1:0',
            messages: [{ role: 'user', content: [{ text: 'You left shoes in your cart.' }] }],
          }),
        );
      } finally {
        client.destroy();
      }
    }

    it("signs with the role's credentials, or with AWS_BEARER_TOKEN_BEDROCK when it is set", async () => {
      bedrock.requests.length = 0;
      lambdaCredentials('ASIAEXAMPLEKEYID0003', 'secret', 'session-token-3');
      await converse();
      vi.stubEnv('AWS_BEARER_TOKEN_BEDROCK', 'bedrock-api-key-1');
      await converse();

      expect(bedrock.requests.map((r) => r.headers.authorization)).toEqual([
        expect.stringMatching(/^AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEKEYID0003\//),
        'Bearer bedrock-api-key-1',
      ]);
    });

    it('fails a bearer-token call without the token by naming the variable, not by looking for SSO', async () => {
      lambdaCredentials('ASIAEXAMPLEKEYID0003', 'secret');
      vi.stubEnv('AWS_BEARER_TOKEN_BEDROCK', undefined);
      vi.stubEnv('AWS_AUTH_SCHEME_PREFERENCE', 'httpBearerAuth');

      await expect(converse()).rejects.toThrow(/No bearer token: .*AWS_BEARER_TOKEN_BEDROCK/);
    });
  });

  describe('against the local peers', () => {
    let db: DynalitePeer;
    let s3: S3rverPeer;

    beforeAll(async () => {
      [db, s3] = await Promise.all([startDynalite(), startS3rver({ buckets: [] })]);
      await db.client.send(
        new CreateTableCommand({
          TableName: 'probe',
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      await s3.client.send(new CreateBucketCommand({ Bucket: 'rules' }));
      await s3.client.send(new PutObjectCommand({ Bucket: 'rules', Key: 'rules.yaml', Body: 'a: 1\n' }));
    }, 60_000);

    afterAll(async () => {
      await Promise.all([db?.stop(), s3?.stop()]);
    });

    it("reads, writes and names DynamoDB's conditional-check failure as the source SDK does", async () => {
      lambdaCredentials('local', 'local');
      const client = new probe.DynamoDBClient({ endpoint: db.endpoint, region: 'us-east-1' });
      const put = () =>
        client.send(
          new probe.PutItemCommand({
            TableName: 'probe',
            Item: { pk: { S: 'cart-1' }, n: { N: '2' } },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      try {
        await put();
        const second = await put().catch((error: unknown) => error);
        const read = await client.send(
          new probe.GetItemCommand({ TableName: 'probe', Key: { pk: { S: 'cart-1' } } }),
        );

        expect(second).toMatchObject({ name: 'ConditionalCheckFailedException' });
        expect(read.Item).toEqual({ pk: { S: 'cart-1' }, n: { N: '2' } });
      } finally {
        client.destroy();
      }
    });

    it('gets an S3 object with the environment credentials, and names a missing key NoSuchKey', async () => {
      // s3rver checks signatures against these credentials.
      lambdaCredentials('S3RVER', 'S3RVER');
      const client = new probe.S3Client({
        endpoint: s3.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
      });
      try {
        const found = await client.send(new probe.GetObjectCommand({ Bucket: 'rules', Key: 'rules.yaml' }));
        const missing = await client
          .send(new probe.GetObjectCommand({ Bucket: 'rules', Key: 'nope.yaml' }))
          .catch((error: unknown) => error);

        expect(await found.Body?.transformToString()).toBe('a: 1\n');
        expect(missing).toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
      } finally {
        client.destroy();
      }
    });
  });

  it('parses and writes the rules docs exactly as the source does', async () => {
    const yaml = await readFile(join(PROJECT_ROOT, 'examples/rules.yaml'), 'utf8');
    const rules = parseRulesYaml(yaml);

    expect(probe.parseRulesYaml(yaml)).toEqual(rules);
    expect(() => probe.parseRulesYaml('store: [')).toThrow();
    // The rules sync writes YAML with the bundle's yaml (only the modules it uses are kept).
    expect(probe.rulesYaml(rules)).toBe(rulesYaml(rules));
    expect(probe.rulesJson(rules)).toBe(rulesJson(rules));
    expect(probe.parseRulesJson(rulesJson(rules))).toEqual(parseRulesJson(rulesJson(rules)));
    expect(() => probe.parseRulesJson('{"store": [')).toThrow();
  });

  it("writes, without pino, the same log lines as the source's pino logger", async () => {
    const script = [
      'const m = await import(process.argv[1]);',
      'const createLogger = m.createLambdaLogger ?? m.createLogger;',
      "const log = createLogger({ name: 'cart-recovery-probe', level: 'info' });",
      "log.info('reminder sent', { cartId: 'c-1', n: 2, nested: { at: [1, 'x', null] } });",
      "log.debug('not written');",
      "log.warn('rules unavailable');",
      "log.error('send failed', { code: 'Throttling', attempts: 3 });",
    ].join('\n');
    const lines = async (module: string, loader: string[]) => {
      const { stdout } = await run(
        process.execPath,
        [...loader, '--input-type=module', '--eval', script, module],
        {
          cwd: PROJECT_ROOT,
          env: { PATH: process.env.PATH },
        },
      );
      return stdout.replace(/"time":"[^"]+"/g, '"time":"T"');
    };

    const bundled = await lines(pathToFileURL(bundle).href, []);
    const source = await lines(pathToFileURL(join(PROJECT_ROOT, 'engine/adapters/pino-logger.ts')).href, [
      '--import',
      'tsx',
    ]);

    expect(bundled).toBe(source);
    expect(bundled.trim().split('\n')).toHaveLength(3);
    expect(probeInputs).not.toContain('pino');
    expect(probeInputs).not.toContain('sonic-boom');
  }, 30_000);
});

describe('the engine handler bundles', () => {
  it('carry neither a YAML parser, pino nor mnemonist: JSON rules, lambda-logger.ts, lambda-lru-cache.ts', async () => {
    const out = await mkdtemp(join(tmpdir(), 'engine-bundles-'));
    try {
      const packages = await Promise.all(
        HANDLERS.map(
          async (handler) => [handler, packagesIn(await buildHandler(handler, join(out, handler)))] as const,
        ),
      );

      for (const [handler, found] of packages) {
        expect({
          handler,
          yaml: found.has('yaml'),
          pino: found.has('pino'),
          mnemonist: found.has('mnemonist'),
        }).toEqual({ handler, yaml: false, pino: false, mnemonist: false });
        expect(found.has('zod')).toBe(true);
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 120_000);

  it("carry the cart event's schema only where an event is read: the webhook, and the sender's sample cart", async () => {
    const out = await mkdtemp(join(tmpdir(), 'engine-bundles-'));
    try {
      const withSchema: string[] = [];
      for (const handler of HANDLERS) {
        const metafile = await buildHandler(handler, join(out, handler));
        const inputs = Object.values(metafile.outputs).flatMap((output) =>
          Object.entries(output.inputs).filter(([, { bytesInOutput }]) => bytesInOutput > 0),
        );
        if (inputs.some(([input]) => input.endsWith('engine/domain/cart-event.ts'))) withSchema.push(handler);
      }

      expect(withSchema).toEqual(['webhook', 'sender']);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 120_000);
});
