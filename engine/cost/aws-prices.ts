/**
 * The AWS prices Cart Recovery's cost estimate uses: us-east-1, on-demand, in USD. One place, each
 * with where it comes from and when it was read. Update this file when AWS changes a price.
 */
export interface Price {
  usd: number;
  per: string;
  source: string;
  /** When the price was read. */
  asOf: string;
  /** Free each month for every account, for good (AWS's always-free tier), in the same unit. */
  freeMonthly?: number;
  /**
   * Free each month only in an account's first 12 months, and only for accounts created before
   * 2025-07-15 (newer accounts get sign-up credits instead of 12-month offers).
   */
  free12Monthly?: number;
  note?: string;
}

const AS_OF = '2026-11-25';
const FREE_TIER =
  'https://aws.amazon.com/free/ (always free vs 12 months free; the latter ended for accounts created on or after 2025-07-15)';

export const PRICES = {
  lambdaRequest: {
    usd: 0.2 / 1e6,
    per: 'request',
    source: 'https://aws.amazon.com/lambda/pricing/',
    asOf: AS_OF,
    freeMonthly: 1_000_000,
    note: `always free; ${FREE_TIER}`,
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    per: 'GB-second (arm64)',
    source: 'https://aws.amazon.com/lambda/pricing/',
    asOf: AS_OF,
    freeMonthly: 400_000,
    note: 'always free; since 2025-08-01 the INIT phase of on-demand ZIP functions is billed as duration too',
  },
  schedulerInvocation: {
    usd: 1 / 1e6,
    per: 'scheduled invocation',
    source: 'https://aws.amazon.com/eventbridge/pricing/',
    asOf: AS_OF,
    freeMonthly: 14_000_000,
    note: 'always free; CreateSchedule and DeleteSchedule calls are not charged',
  },
  dynamoWriteUnit: {
    usd: 0.625 / 1e6,
    per: 'write request unit (1 KB)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    asOf: AS_OF,
    note: 'on-demand; price cut of November 2024',
  },
  dynamoReadUnit: {
    usd: 0.125 / 1e6,
    per: 'read request unit (4 KB, eventually consistent; strongly consistent reads take 2)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    asOf: AS_OF,
  },
  dynamoStorageGbMonth: {
    usd: 0.25,
    per: 'GB-month',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    asOf: AS_OF,
    freeMonthly: 25,
    note: 'always free (the 25 WCU/RCU of the free tier are for provisioned tables, not on demand)',
  },
  dynamoPitrGbMonth: {
    usd: 0.2,
    per: 'GB-month of point-in-time recovery',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    asOf: AS_OF,
  },
  sqsRequest: {
    usd: 0.4 / 1e6,
    per: 'request (64 KB chunk)',
    source: 'https://aws.amazon.com/sqs/pricing/',
    asOf: AS_OF,
    freeMonthly: 1_000_000,
    note: 'always free',
  },
  sesEmail: {
    usd: 0.1 / 1000,
    per: 'email',
    source: 'https://aws.amazon.com/ses/pricing/',
    asOf: AS_OF,
    free12Monthly: 3000,
    note: 'no always-free tier (the 62,000 a month from EC2 ended in 2023); 3,000 message charges a month for 12 months, only for accounts created before 2025-07-15',
  },
  s3Get: {
    usd: 0.0004 / 1000,
    per: 'GET request',
    source: 'https://aws.amazon.com/s3/pricing/',
    asOf: AS_OF,
    free12Monthly: 20_000,
    note: '20,000 GETs a month for 12 months, only for accounts created before 2025-07-15',
  },
  secretMonth: {
    usd: 0.4,
    per: 'secret-month',
    source: 'https://aws.amazon.com/secrets-manager/pricing/',
    asOf: AS_OF,
  },
  secretApiCall: {
    usd: 0.05 / 10_000,
    per: 'API call',
    source: 'https://aws.amazon.com/secrets-manager/pricing/',
    asOf: AS_OF,
  },
  logsIngestGb: {
    usd: 0.5,
    per: 'GB ingested',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    asOf: AS_OF,
    freeMonthly: 5,
    note: 'always free; 7-day retention keeps stored logs (0.03 USD/GB-month) negligible',
  },
  alarmMonth: {
    usd: 0.1,
    per: 'standard alarm-month',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    asOf: AS_OF,
    freeMonthly: 10,
    note: 'always free',
  },
  bedrockHaikuInputToken: {
    usd: 1 / 1e6,
    per: 'input token (Claude Haiku 4.5, global cross-region profile)',
    source: 'https://aws.amazon.com/bedrock/pricing/',
    asOf: AS_OF,
    note: 'in-region profiles cost about 10% more',
  },
  bedrockHaikuOutputToken: {
    usd: 5 / 1e6,
    per: 'output token (Claude Haiku 4.5, global cross-region profile)',
    source: 'https://aws.amazon.com/bedrock/pricing/',
    asOf: AS_OF,
  },
} satisfies Record<string, Price>;

export type PriceName = keyof typeof PRICES;
