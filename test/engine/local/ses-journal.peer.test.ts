import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import * as sesStore from 'aws-ses-v2-local/dist/store.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SesLocalPeer, startSesLocal } from '#engine/local/peers/ses-local.js';

// The package's store module is CommonJS: its functions arrive on the namespace or on its default.
const storeModule = sesStore as unknown as { clearStore?: () => void; default?: { clearStore: () => void } };
const emptyStore = () => (storeModule.clearStore ?? storeModule.default?.clearStore)?.();

const send = (ses: SesLocalPeer, subject: string) =>
  ses.client.send(
    new SendEmailCommand({
      FromEmailAddress: 'hello@acme.example',
      Destination: { ToAddresses: ['shopper@example.com'] },
      Content: { Simple: { Subject: { Data: subject }, Body: { Text: { Data: `About ${subject}` } } } },
    }),
  );

const lines = async (file: string) =>
  (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { messageId: string; subject: string });

describe('startSesLocal with a journal file', () => {
  let dir: string;
  let file: string;
  let ses: SesLocalPeer | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cr-ses-'));
    file = join(dir, 'ses', 'emails.jsonl');
  });

  afterEach(async () => {
    // The store is one per process: each test starts from an empty one, as a fresh process would.
    await ses?.clear();
    await ses?.stop();
    ses = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('has an email in the file by the time SES answers its send', async () => {
    // Prepare
    ses = await startSesLocal({ file });

    // Act
    const { MessageId } = await send(ses, 'first');
    const onDisk = await lines(file);

    // Assess
    expect(onDisk).toEqual([expect.objectContaining({ messageId: MessageId, subject: 'first' })]);
  });

  it('shows the emails of an earlier run in the store, once each', async () => {
    // Prepare
    ses = await startSesLocal({ file });
    await send(ses, 'before');
    const earlier = await ses.store();
    await ses.stop();
    // What a restarted process finds: an empty store and the file.
    emptyStore();

    // Act
    ses = await startSesLocal({ file });
    await send(ses, 'after');
    const store = await ses.store();

    // Assess
    expect(earlier.map((e) => e.subject)).toEqual(['before']);
    expect(store.map((e) => e.subject)).toEqual(['before', 'after']);
    expect((await lines(file)).map((e) => e.subject)).toEqual(['before', 'after']);
  });

  it('drops a last line cut short by a kill, and appends after it on a line of its own', async () => {
    // Prepare
    await mkdir(join(dir, 'ses'));
    const whole = JSON.stringify({ messageId: 'm1', subject: 'kept', destination: { to: [] } });
    await writeFile(file, `${whole}\n{"messageId":"m2","subj`);

    // Act
    ses = await startSesLocal({ file });
    await send(ses, 'next');

    // Assess
    expect((await ses.store()).map((e) => e.subject)).toEqual(['kept', 'next']);
    expect((await lines(file)).map((e) => e.subject)).toEqual(['kept', 'next']);
  });

  it('empties the file when the viewer clears the store', async () => {
    ses = await startSesLocal({ file });
    await send(ses, 'gone');

    await ses.clear();

    expect(await readFile(file, 'utf8')).toBe('');
  });
});
