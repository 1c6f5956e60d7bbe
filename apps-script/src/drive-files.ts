/**
 * The Drive side of Set up: the Google Doc the monthly summary is written into, created by the owner
 * (a service account cannot create files in a personal Drive), and sharing that Doc and this
 * spreadsheet with the engine's service account. Uses the advanced Drive service with the
 * `drive.file` scope: it reaches only files this script created or was handed.
 */
import type { AdvancedDrive, Properties, Spreadsheet } from './services.js';
import { PROPERTY } from './settings.js';

export const GOOGLE_DOC = 'application/vnd.google-apps.document';

export type SummaryDocument =
  | { ok: true; id: string; outcome: 'created' | 'kept'; where: string }
  | { ok: false; problem: string };

export interface ShareReport {
  file: string;
  shared: boolean;
  /** What to do by hand when sharing failed. */
  problem?: string;
}

export const DRIVE_NOT_ENABLED =
  'The Drive service is not enabled for this script (appsscript.json lists it; push the script again with npm run push:apps-script).';

/** The title of the summary Doc, after the spreadsheet's own name. */
export function summaryDocumentName(spreadsheetName: string): string {
  return `${spreadsheetName}: Cart Recovery monthly summary`;
}

export const documentUrl = (id: string) => `https://docs.google.com/document/d/${id}/edit`;

/**
 * The summary Doc Set up made before (when it still exists and is not in the bin), or a new one,
 * placed next to this spreadsheet when Drive lets the script see its folder, else in My Drive.
 */
export function ensureSummaryDocument(
  drive: AdvancedDrive | undefined,
  properties: Properties,
  spreadsheet: Spreadsheet,
): SummaryDocument {
  if (!drive) return { ok: false, problem: DRIVE_NOT_ENABLED };
  const stored = properties.getProperty(PROPERTY.summaryDocumentId);
  if (stored) {
    try {
      const file = drive.Files.get(stored, { fields: 'id,trashed' });
      if (!file.trashed) return { ok: true, id: stored, outcome: 'kept', where: 'as before' };
    } catch {
      // Deleted, or no longer reachable: make a new one below.
    }
  }
  const name = summaryDocumentName(spreadsheet.getName());
  let parents: string[] | undefined;
  try {
    parents = drive.Files.get(spreadsheet.getId(), { fields: 'parents' }).parents;
  } catch {
    parents = undefined;
  }
  let created: { id?: string; where: string } | undefined;
  if (parents?.length) {
    try {
      created = {
        id: drive.Files.create({ name, mimeType: GOOGLE_DOC, parents }).id,
        where: 'next to this spreadsheet',
      };
    } catch {
      created = undefined;
    }
  }
  try {
    created ??= { id: drive.Files.create({ name, mimeType: GOOGLE_DOC }).id, where: 'in My Drive' };
  } catch (error) {
    return { ok: false, problem: `Drive did not create the summary document: ${messageOf(error)}` };
  }
  if (!created.id) return { ok: false, problem: 'Drive created the summary document but gave no id.' };
  properties.setProperties({ [PROPERTY.summaryDocumentId]: created.id });
  return { ok: true, id: created.id, outcome: 'created', where: created.where };
}

/**
 * Gives the service account edit rights on this spreadsheet and the summary Doc, without a
 * notification email (a service account has no inbox). Sharing again is harmless.
 */
export function shareWithEngine(
  drive: AdvancedDrive | undefined,
  spreadsheet: Spreadsheet,
  documentId: string | undefined,
  email: string,
): ShareReport[] {
  const byDrive = (fileId: string) => {
    if (!drive) throw new Error(DRIVE_NOT_ENABLED);
    drive.Permissions.create({ type: 'user', role: 'writer', emailAddress: email }, fileId, {
      sendNotificationEmail: false,
    });
  };
  const byHand = (what: string) =>
    `Share ${what} with ${email} by hand: Share, paste the address, Editor, untick "Notify people".`;

  const reports: ShareReport[] = [];
  try {
    spreadsheet.addEditor(email);
    reports.push({ file: 'this spreadsheet', shared: true });
  } catch {
    try {
      byDrive(spreadsheet.getId());
      reports.push({ file: 'this spreadsheet', shared: true });
    } catch {
      reports.push({ file: 'this spreadsheet', shared: false, problem: byHand('this spreadsheet') });
    }
  }
  if (documentId) {
    try {
      byDrive(documentId);
      reports.push({ file: 'the summary document', shared: true });
    } catch (error) {
      reports.push({
        file: 'the summary document',
        shared: false,
        problem: `${byHand(`the summary document (${documentUrl(documentId)})`)} Drive said: ${messageOf(error)}`,
      });
    }
  }
  return reports;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
