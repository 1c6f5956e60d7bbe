import type { S3Client } from '@aws-sdk/client-s3';
import { DateTime } from 'luxon';
import {
  publishRules,
  readRulesObject,
  type StoredRulesObject,
} from '#engine/adapters/s3-rules-publisher.js';
import {
  DEFAULT_RULES_KEY,
  DEFAULT_RULES_YAML_KEY,
  parseRulesJson,
  rulesJson,
} from '#engine/adapters/s3-rules-source.js';
import type { SenderIdentity } from '#engine/domain/sender-address.js';
import type { Clock, Logger } from '#engine/ports.js';
import { GoogleApiError } from './google-api-error.js';
import { type CellError, formatCellError, rowsToRulesDoc, rulesYaml, type SheetRows } from './rules-sheet.js';

/** The Rules tab as read: its cells (the status cell left out) and the status cell's text. */
export interface RulesTabRead {
  /** Rows of cells (the Sheets API `values` shape). */
  rows: SheetRows;
  /** The status cell's text, '' when empty. */
  status: string;
}

/** The owner's Rules tab and its status cell (Google Sheets in production, an array in tests). */
export interface RulesSheet {
  readRules(): Promise<RulesTabRead>;
  /** The status cell's text alone ('' when empty). */
  readStatus(): Promise<string>;
  /** Replaces the text of the status cell. */
  writeStatus(text: string): Promise<void>;
}

export interface SyncRulesDeps {
  sheet: RulesSheet;
  s3: S3Client;
  bucket: string;
  /** Default rules/current.json, where the engine reads its rules. */
  key?: string;
  /** Default rules/current.yaml, the same rules for people to read. */
  yamlKey?: string;
  clock: Clock;
  log: Logger;
  /**
   * The zone the nightly export and the monthly summary are scheduled in (cdk.json `storeTimezone`),
   * when known: a rules time zone that differs from it gets a note in the status cell.
   */
  scheduleZone?: string;
  /**
   * The deployment's SES domain and sender address (cdk.json `storeDomain`, `fromEmail`), when
   * known: a sender address in the tab that the engine cannot send from is refused at its cell.
   */
  sender?: SenderIdentity;
}

export type SyncOutcome =
  | { status: 'updated' | 'unchanged'; version: string; since: string; warnings: CellError[] }
  | { status: 'rejected'; errors: CellError[]; keptVersion: string | undefined };

/** More errors than this are counted, not listed, in the status cell. */
const MAX_LISTED_ERRORS = 25;

/**
 * Makes the Rules tab the rules in force, when it is valid.
 *
 * 1. Read the Rules tab.
 * 2. Map it to a rules doc; the engine's schema validates it, and the sender address must be one
 *    the deployment can send from (its SES domain and pinned address, when known).
 * 3. On errors, list them (cell by cell) in the status cell and stop: the rules in S3 stay.
 * 4. Render the rules as YAML and as JSON and compare them with the two objects in S3.
 * 5. Publish both (`publishRules`: YAML, then JSON) only when either differs.
 * 6. Write "Rules version <v> in force since <time>" in the status cell, <v> being the version of
 *    the JSON object, the one the engine reads and its audit log names, and a warning line for
 *    each tier whose name and total disagree in order (valid rules, probably not meant).
 *
 * The status cell is written only when its text changes: a sync every 15 minutes that finds
 * nothing new leaves the spreadsheet's version history alone.
 */
export async function syncRules(deps: SyncRulesDeps): Promise<SyncOutcome> {
  const keys = { json: deps.key ?? DEFAULT_RULES_KEY, yaml: deps.yamlKey ?? DEFAULT_RULES_YAML_KEY };
  const now = deps.clock.now();
  const { rows, status } = await deps.sheet.readRules();
  const writeStatus = async (text: string) => {
    if (text !== status) await deps.sheet.writeStatus(text);
  };
  const result = rowsToRulesDoc(rows, deps.sender ? { sender: deps.sender } : {});
  const [stored, storedYaml] = await Promise.all([
    readRulesObject(deps.s3, deps.bucket, keys.json),
    readRulesObject(deps.s3, deps.bucket, keys.yaml),
  ]);

  if (!result.ok) {
    deps.log.warn('rules tab rejected', { errors: result.errors.length, keptVersion: stored?.version });
    await writeStatus(rejectedStatus(result.errors, stored));
    return { status: 'rejected', errors: result.errors, keptVersion: stored?.version };
  }

  const yaml = rulesYaml(result.rules);
  const zone = result.rules.store.timezone;
  let outcome: SyncOutcome;
  // Both are compared, so a publish whose JSON write failed after its YAML's, or a YAML replaced by
  // hand, is written again at the next sync.
  if (stored && stored.text === rulesJson(result.rules) && storedYaml?.text === yaml) {
    outcome = {
      status: 'unchanged',
      version: stored.version,
      since: (stored.lastModified ?? now).toISOString(),
      warnings: result.warnings,
    };
  } else {
    const { version } = await publishRules(deps.s3, deps.bucket, yaml, keys);
    outcome = { status: 'updated', version, since: now.toISOString(), warnings: result.warnings };
    deps.log.info('rules updated from the sheet', { version, previous: stored?.version });
  }
  const inForce = `Rules version ${outcome.version} in force since `;
  const [shownFirst = ''] = status.split('\n');
  // The time a version came into force is the one first written (S3's clock and ours may differ
  // by a minute): an unchanged version keeps its line, so the cell is not rewritten for nothing.
  const lines = [
    outcome.status === 'unchanged' && shownFirst.startsWith(inForce)
      ? shownFirst
      : `${inForce}${localTime(outcome.since, zone)}.`,
  ];
  // In force all the same, but probably not what the owner meant.
  for (const warning of result.warnings) lines.push(`Warning: ${formatCellError(warning)}`);
  if (deps.scheduleZone && deps.scheduleZone !== zone) {
    deps.log.warn('rules time zone differs from the schedules', {
      rulesZone: zone,
      scheduleZone: deps.scheduleZone,
    });
    lines.push(scheduleZoneNote(zone, deps.scheduleZone));
  }
  await writeStatus(lines.join('\n'));
  return outcome;
}

/**
 * The status cell's text for a sync that Google refused: what to do, and that nothing changed.
 * Stable from one run to the next, so a failure that persists is written once.
 */
export function failedStatus(error: GoogleApiError): string {
  return [
    `Rules NOT checked: Google refused${error.reason ? ` (${error.reason})` : ''}. The rules in force are unchanged.`,
    error.hint,
  ].join('\n');
}

/**
 * Tells the owner, in the status cell, why a scheduled sync failed, when Google lets the cell be
 * read and written at all (not when the sheet is not shared). Best effort: never throws.
 */
export async function reportSyncFailure(
  deps: Pick<SyncRulesDeps, 'sheet' | 'log'>,
  error: unknown,
): Promise<void> {
  if (!(error instanceof GoogleApiError)) return;
  const text = failedStatus(error);
  try {
    if ((await deps.sheet.readStatus()) !== text) await deps.sheet.writeStatus(text);
  } catch (statusError) {
    deps.log.warn('sync failure not written to the status cell', {
      reason: error.reason,
      statusReason: statusError instanceof GoogleApiError ? statusError.reason : undefined,
    });
  }
}

/** The status cell's note when the store's zone in the rules is not the one the jobs run in. */
export function scheduleZoneNote(rulesZone: string, scheduleZone: string): string {
  return (
    `Note: the time zone here is ${rulesZone}, but the nightly export and the monthly summary run at ` +
    `midnight ${scheduleZone}. Ask your developer to set storeTimezone to ${rulesZone} and deploy again.`
  );
}

function rejectedStatus(errors: readonly CellError[], stored: StoredRulesObject | undefined): string {
  const count = errors.length === 1 ? '1 problem' : `${errors.length} problems`;
  const zone = storedZone(stored);
  const kept = stored
    ? `Version ${stored.version} stays in force${stored.lastModified ? ` (since ${localTime(stored.lastModified.toISOString(), zone)})` : ''}.`
    : 'No rules are in force yet: reminders wait until this tab is fixed.';
  const listed = errors.slice(0, MAX_LISTED_ERRORS).map(formatCellError);
  if (errors.length > MAX_LISTED_ERRORS) listed.push(`…and ${errors.length - MAX_LISTED_ERRORS} more`);
  return [`Rules NOT updated: ${count} in this tab. ${kept}`, ...listed].join('\n');
}

function storedZone(stored: StoredRulesObject | undefined): string {
  if (!stored) return 'UTC';
  try {
    return parseRulesJson(stored.text).store.timezone;
  } catch {
    return 'UTC';
  }
}

/** "2026-06-10 10:05 America/New_York": the owner reads times in the store's zone. */
function localTime(iso: string, zone: string): string {
  const at = DateTime.fromISO(iso, { zone });
  return at.isValid ? `${at.toFormat('yyyy-MM-dd HH:mm')} ${zone}` : iso;
}
