import { describe, expect, it } from 'vitest';
import {
  CONTEXT_KEY,
  DEFAULT_MODEL_ID,
  DEFAULT_STORE_TIMEZONE,
  InfraConfigError,
  parseConfig,
  usesExampleValues,
} from '../../infra/config.js';
import { cdkJsonContext } from './infra-app.js';

const minimal = {
  storeDomain: 'shop.acme.test',
  fromEmail: 'hello@shop.acme.test',
  alertEmail: 'owner@acme.test',
};

function problemsOf(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (error) {
    if (error instanceof InfraConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected an InfraConfigError');
}

describe('parseConfig', () => {
  it('fills in the region, budget, model and table prefix defaults', () => {
    const config = parseConfig(minimal);

    expect(config).toMatchObject({
      region: 'us-east-1',
      monthlyBudgetUsd: 5,
      bedrockModelId: DEFAULT_MODEL_ID,
      tablePrefix: 'cr-',
      reserveConcurrency: false,
      sesSandboxRecipients: [],
      closedCartRetentionDays: 90,
      auditRetentionMonths: 13,
      contactRetentionDays: 90,
    });
    expect(config.mailFromDomain).toBeUndefined();
  });

  it('takes a MAIL FROM subdomain of the store domain, and refuses any other domain', () => {
    expect(parseConfig({ ...minimal, mailFromDomain: 'Mail.Shop.Acme.test' }).mailFromDomain).toBe(
      'mail.shop.acme.test',
    );
    expect(problemsOf({ ...minimal, mailFromDomain: 'mail.other.example' })).toEqual([
      expect.stringMatching(/^cartRecovery\.mailFromDomain must be a subdomain of storeDomain/),
    ]);
  });

  it('takes the retention windows, within their bounds', () => {
    const config = parseConfig({ ...minimal, closedCartRetentionDays: 30, auditRetentionMonths: '24' });

    expect(config).toMatchObject({ closedCartRetentionDays: 30, auditRetentionMonths: 24 });
    expect(problemsOf({ ...minimal, contactRetentionDays: 0 })).toEqual([
      'cartRecovery.contactRetentionDays must be a whole number of days between 1 and 3650',
    ]);
    expect(DEFAULT_MODEL_ID).toBe('global.anthropic.claude-haiku-4-5-20251001-v1:0');
  });

  it('names every missing key with its full context path', () => {
    const problems = problemsOf({});

    expect(problems).toEqual([
      expect.stringMatching(/^cartRecovery\.storeDomain is missing: /),
      expect.stringMatching(/^cartRecovery\.fromEmail is missing: /),
      expect.stringMatching(/^cartRecovery\.alertEmail is missing: /),
    ]);
  });

  it('says the whole object is missing when cdk.json has no cartRecovery context', () => {
    expect(problemsOf(undefined)).toEqual([expect.stringMatching(/^cartRecovery is missing/)]);
  });

  it('points the message at cdk.json', () => {
    expect(() => parseConfig({})).toThrow(/cdk\.json context "cartRecovery"/);
  });

  it('refuses a sender address outside the SES domain', () => {
    const problems = problemsOf({ ...minimal, fromEmail: 'hello@elsewhere.test' });

    expect(problems).toEqual([
      expect.stringMatching(/^cartRecovery\.fromEmail must be an address at storeDomain/),
    ]);
  });

  it('accepts a sender on a subdomain of the SES domain', () => {
    expect(parseConfig({ ...minimal, fromEmail: 'hi@mail.shop.acme.test' }).fromEmail).toBe(
      'hi@mail.shop.acme.test',
    );
  });

  it('refuses malformed values and unknown keys, naming each', () => {
    const problems = problemsOf({
      ...minimal,
      region: 'Virginia',
      alertEmail: 'not-an-address',
      monthlyBudgetUsd: 0,
      budget: 5,
    });

    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^cartRecovery\.region must be an AWS Region code/),
        'cartRecovery.alertEmail must be an email address',
        'cartRecovery.monthlyBudgetUsd must be more than 0',
        'cartRecovery has unknown keys: budget',
      ]),
    );
  });

  it('leaves the Google settings out by default and puts the store in New York', () => {
    const config = parseConfig(minimal);

    expect(config.spreadsheetId).toBeUndefined();
    expect(config.summaryDocumentId).toBeUndefined();
    expect(config.rulesTab).toBeUndefined();
    expect(config.statusCell).toBeUndefined();
    expect(config.storeTimezone).toBe(DEFAULT_STORE_TIMEZONE);
    expect(DEFAULT_STORE_TIMEZONE).toBe('America/New_York');
  });

  it('takes the Google settings and the store time zone', () => {
    const config = parseConfig({
      ...minimal,
      spreadsheetId: '1AbCdEfGhIjKlMnOp_-xyz',
      summaryDocumentId: '1DoCdEfGhIjKlMnOp_-xyz',
      rulesTab: 'Rules',
      statusCell: 'Status!B2',
      storeTimezone: 'Europe/Paris',
    });

    expect(config).toMatchObject({
      spreadsheetId: '1AbCdEfGhIjKlMnOp_-xyz',
      summaryDocumentId: '1DoCdEfGhIjKlMnOp_-xyz',
      statusCell: 'Status!B2',
      storeTimezone: 'Europe/Paris',
    });
  });

  it('refuses a spreadsheet URL, a malformed cell and an unknown time zone, naming each', () => {
    const problems = problemsOf({
      ...minimal,
      spreadsheetId: 'https://docs.google.com/spreadsheets/d/1AbC/edit',
      statusCell: 'f1',
      storeTimezone: 'Mars/Olympus_Mons',
    });

    expect(problems).toEqual([
      expect.stringMatching(/^cartRecovery\.spreadsheetId must be a spreadsheet id/),
      'cartRecovery.statusCell must be a cell such as F1 or Status!B2',
      expect.stringMatching(/^cartRecovery\.storeTimezone must be an IANA time zone/),
    ]);
  });

  it('takes the budget as text, the way `cdk -c` passes values', () => {
    expect(parseConfig({ ...minimal, monthlyBudgetUsd: '7.5' }).monthlyBudgetUsd).toBe(7.5);
  });

  it('parses the settings committed in cdk.json and flags them as examples', () => {
    const config = parseConfig(cdkJsonContext()[CONTEXT_KEY]);

    expect(usesExampleValues(config)).toBe(true);
    expect(usesExampleValues(parseConfig(minimal))).toBe(false);
  });
});
