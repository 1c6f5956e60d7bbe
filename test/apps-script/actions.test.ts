import { describe, expect, it } from 'vitest';
import { verifySignature } from '#engine/domain/request-signature.js';
import {
  HELP_TEXT,
  MENU_ACTOR,
  MENU_REASON,
  runCartAction,
  showHelp,
  syncRulesNow,
} from '../../apps-script/src/actions.js';
import { ACTIONS_HEADER } from '../../apps-script/src/actions-log.js';
import { readAnswer } from '../../apps-script/src/endpoint-client.js';
import { buildMenu, MENU_ITEMS } from '../../apps-script/src/menu.js';
import { PROPERTY } from '../../apps-script/src/settings.js';
import { fakeServices, httpResponse } from './fakes.js';

const SECRET = 'owner_current_0123456789abcdef';
const OWNER_URL = 'https://owner-abc.lambda-url.us-east-1.on.aws/';
const SYNC_URL = 'https://sync-def.lambda-url.us-east-1.on.aws/';
const NOW = new Date('2026-06-10T16:00:00Z');

/** The owner's sheet with an export tab (rows 2-4 are carts), set up, rows 2 and 4 selected. */
function world() {
  const fakes = fakeServices(
    {
      Carts: [
        ['Cart ID', 'Email', 'Status'],
        ['cart-1001', 'shopper@example.com', 'open'],
        ['cart-1002', 'bob@example.com', 'open'],
        ['=HYPERLINK("https://evil.example")', 'eve@example.com', 'open'],
      ],
      Rules: [['Name']],
    },
    NOW,
  );
  fakes.properties.setProperties({
    [PROPERTY.ownerActionUrl]: OWNER_URL,
    [PROPERTY.syncUrl]: SYNC_URL,
    [PROPERTY.ownerSecret]: SECRET,
  });
  fakes.spreadsheet.select('Carts', [2, 1], [4, 1]);
  return fakes;
}

const bodyOf = (payload: string) => JSON.parse(payload) as Record<string, unknown>;

describe('buildMenu', () => {
  it('adds the Cart Recovery menu with its seven items', () => {
    // Prepare
    const { ui } = world();

    // Act
    buildMenu(ui);

    // Assess
    expect(ui.menus).toEqual([
      {
        caption: 'Cart Recovery',
        items: [
          { caption: 'Suppress selected cart(s)', functionName: 'suppressSelectedCarts' },
          { caption: 'Unsubscribe selected email(s)', functionName: 'unsubscribeSelectedEmails' },
          { caption: 'Write off selected cart(s)', functionName: 'writeOffSelectedCarts' },
          'separator',
          { caption: 'Send me a test reminder', functionName: 'sendTestReminder' },
          'separator',
          { caption: 'Sync rules now', functionName: 'syncRulesNow' },
          'separator',
          { caption: 'Set up', functionName: 'setUp' },
          { caption: 'Help', functionName: 'showHelp' },
        ],
      },
    ]);
    expect(MENU_ITEMS.filter(Boolean)).toHaveLength(7);
  });
});

describe('runCartAction', () => {
  it('asks first, then sends one signed request per selected cart and shows the outcome', () => {
    // Prepare
    const { services, ui, urlFetch } = world();
    urlFetch.respond = (request) =>
      bodyOf(request.params.payload).cartId === 'cart-1001'
        ? { status: 200, body: JSON.stringify({ status: 'done', action: 'suppress', changed: true }) }
        : {
            status: 404,
            body: JSON.stringify({ error: 'not_found', message: 'no cart with id "=HYPERLINK" is known' }),
          };

    // Act
    const result = runCartAction(services, 'suppress');

    // Assess: the confirmation lists the carts
    expect(ui.dialogs[0]).toEqual({
      kind: 'alert',
      title: 'Suppress 2 carts?',
      text: expect.stringContaining('• cart-1001\n• =HYPERLINK("https://evil.example")'),
      buttons: 'YES_NO',
    });
    // one signed POST per cart, each with its own nonce
    expect(urlFetch.sent).toHaveLength(2);
    const [first, second] = urlFetch.sent;
    expect(first?.url).toBe(OWNER_URL);
    expect(first?.params).toMatchObject({
      method: 'post',
      contentType: 'application/json; charset=utf-8',
      muteHttpExceptions: true,
    });
    expect(bodyOf(first?.params.payload ?? '')).toEqual({
      action: 'suppress',
      cartId: 'cart-1001',
      reason: MENU_REASON,
      actor: MENU_ACTOR,
      nonce: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(bodyOf(first?.params.payload ?? '').nonce).not.toBe(bodyOf(second?.params.payload ?? '').nonce);
    const signature = first?.params.headers['Cart-Recovery-Signature'];
    expect(verifySignature(signature, first?.params.payload ?? '', SECRET, NOW).ok).toBe(true);
    // the outcome, per cart
    expect(result).toEqual({
      kind: 'ran',
      results: [
        { target: 'cart-1001', result: 'done', message: 'suppressed' },
        {
          target: '=HYPERLINK("https://evil.example")',
          result: 'failed',
          message: 'no cart with id "=HYPERLINK" is known',
        },
      ],
    });
    expect(ui.dialogs[1]).toMatchObject({
      title: 'Suppress: 1 of 2 did not go through',
      text: 'cart-1001: suppressed\n=HYPERLINK("https://evil.example"): no cart with id "=HYPERLINK" is known',
    });
  });

  it('records each target in the Actions tab, creating it with a header, as text never formulas', () => {
    // Prepare
    const { services, spreadsheet, urlFetch } = world();
    urlFetch.respond = () => ({ status: 200, body: JSON.stringify({ status: 'unchanged' }) });

    // Act
    runCartAction(services, 'write_off');

    // Assess
    const actions = spreadsheet.tab('Actions');
    expect(actions.cells).toEqual([
      [...ACTIONS_HEADER],
      [NOW.toISOString(), 'write_off', 'cart-1001', 'unchanged', 'no change: the cart was already closed'],
      [
        NOW.toISOString(),
        'write_off',
        `'=HYPERLINK("https://evil.example")`,
        'unchanged',
        'no change: the cart was already closed',
      ],
    ]);
    expect(actions.frozenRows).toBe(1);
    // The owner stays on the tab they were on.
    expect(spreadsheet.getActiveSheet().getName()).toBe('Carts');
  });

  it('unsubscribes the emails of the selected rows', () => {
    // Prepare
    const { services, urlFetch, ui } = world();
    urlFetch.respond = () => ({ status: 200, body: JSON.stringify({ status: 'done' }) });

    // Act
    runCartAction(services, 'unsubscribe');

    // Assess
    expect(urlFetch.sent.map((r) => bodyOf(r.params.payload))).toEqual([
      expect.objectContaining({ action: 'unsubscribe', email: 'shopper@example.com' }),
      expect.objectContaining({ action: 'unsubscribe', email: 'eve@example.com' }),
    ]);
    expect(urlFetch.sent.map((r) => bodyOf(r.params.payload))[0]).not.toHaveProperty('cartId');
    expect(ui.dialogs[0]?.title).toBe('Unsubscribe 2 emails?');
    expect(ui.dialogs.at(-1)?.title).toBe('Unsubscribe: done');
  });

  it('sends nothing when the owner says no', () => {
    // Prepare
    const { services, ui, urlFetch, spreadsheet } = world();
    ui.alertAnswers.push('NO');

    // Act
    const result = runCartAction(services, 'suppress');

    // Assess
    expect(result).toEqual({ kind: 'cancelled' });
    expect(urlFetch.sent).toEqual([]);
    expect(spreadsheet.getSheetByName('Actions')).toBeNull();
  });

  it('stops after a refused signature and explains it', () => {
    // Prepare
    const { services, ui, urlFetch } = world();
    urlFetch.respond = () => ({
      status: 401,
      body: JSON.stringify({ error: 'bad_signature', message: 'the signature does not match the body' }),
    });

    // Act
    const result = runCartAction(services, 'suppress');

    // Assess
    expect(urlFetch.sent).toHaveLength(1);
    expect(result.kind === 'ran' && result.results.map((r) => r.result)).toEqual(['failed', 'not sent']);
    expect(ui.dialogs.at(-1)?.text).toContain('the owner secret in Set up does not match');
  });

  it('reports an unreachable endpoint without throwing', () => {
    // Prepare
    const { services, ui, urlFetch } = world();
    urlFetch.respond = () => new Error('Address unavailable: https://owner-abc.lambda-url.us-east-1.on.aws/');

    // Act
    const result = runCartAction(services, 'suppress');

    // Assess
    expect(result.kind === 'ran' && result.results[0]?.message).toContain('could not be reached');
    expect(ui.dialogs.at(-1)?.title).toBe('Suppress: 2 of 2 did not go through');
  });

  it('asks for Set up first when the endpoints are not stored', () => {
    // Prepare
    const { services, ui, urlFetch, properties } = world();
    properties.values.delete(PROPERTY.ownerSecret);

    // Act
    const result = runCartAction(services, 'suppress');

    // Assess
    expect(result).toEqual({ kind: 'refused', message: 'not set up' });
    expect(ui.dialogs).toEqual([
      expect.objectContaining({
        title: 'Cart Recovery is not set up',
        text: 'Run Cart Recovery › Set up first (missing: the owner secret).',
      }),
    ]);
    expect(urlFetch.sent).toEqual([]);
  });

  it('explains where to select when the export tab is not the open one', () => {
    // Prepare
    const { services, ui, urlFetch, spreadsheet } = world();
    spreadsheet.select('Rules', [1, 1]);

    // Act
    runCartAction(services, 'write_off');

    // Assess
    expect(ui.dialogs[0]?.text).toBe('Open the "Carts" tab and select the rows first.');
    expect(urlFetch.sent).toEqual([]);
  });
});

describe('syncRulesNow', () => {
  it('shows the version in force', () => {
    // Prepare
    const { services, ui, urlFetch, spreadsheet } = world();
    urlFetch.respond = () => ({
      status: 200,
      body: JSON.stringify({ status: 'updated', version: 'abc123', since: '2026-06-10T15:59:00.000Z' }),
    });

    // Act
    const result = syncRulesNow(services);

    // Assess
    expect(urlFetch.sent[0]?.url).toBe(SYNC_URL);
    expect(bodyOf(urlFetch.sent[0]?.params.payload ?? '')).toEqual({
      action: 'sync_rules',
      nonce: expect.any(String),
    });
    expect(result).toEqual({ kind: 'synced', status: 'updated', version: 'abc123' });
    expect(ui.dialogs).toEqual([
      expect.objectContaining({
        title: 'New rules in force',
        text: 'Rules version abc123 in force since 2026-06-10 15:59 UTC.',
      }),
    ]);
    expect(spreadsheet.tab('Actions').cells[1]).toEqual([
      NOW.toISOString(),
      'sync_rules',
      'Rules tab',
      'synced',
      'version abc123 (updated)',
    ]);
  });

  it('adds the warnings of rules put in force, by cell', () => {
    // Prepare
    const { services, ui, urlFetch } = world();
    urlFetch.respond = () => ({
      status: 200,
      body: JSON.stringify({
        status: 'updated',
        version: 'abc123',
        since: '2026-06-10T15:59:00.000Z',
        warnings: [{ cell: 'A4', message: 'tier "medium" starts at 200, above "big" (150)' }],
      }),
    });

    // Act
    syncRulesNow(services);

    // Assess
    expect(ui.dialogs).toEqual([
      expect.objectContaining({
        text: 'Rules version abc123 in force since 2026-06-10 15:59 UTC.\n\nWarning: A4: tier "medium" starts at 200, above "big" (150)',
      }),
    ]);
  });

  it('lists the errors of the Rules tab by cell', () => {
    // Prepare
    const { services, ui, urlFetch } = world();
    urlFetch.respond = () => ({
      status: 422,
      body: JSON.stringify({
        error: 'invalid_rules',
        message: 'The Rules tab has 2 problems; the rules in force were kept.',
        errors: [
          { cell: 'C3', message: 'first reminder after must be a number of hours between 0.25 and 168' },
          { cell: 'B13', message: 'consent must be one of: any, first_only, required' },
        ],
      }),
    });

    // Act
    const result = syncRulesNow(services);

    // Assess
    expect(result).toEqual({
      kind: 'rejected',
      errors: [
        'C3: first reminder after must be a number of hours between 0.25 and 168',
        'B13: consent must be one of: any, first_only, required',
      ],
    });
    expect(ui.dialogs[0]).toMatchObject({
      title: 'Rules NOT updated',
      text:
        'The Rules tab has 2 problems; the rules in force were kept.\n\n' +
        'C3: first reminder after must be a number of hours between 0.25 and 168\n' +
        'B13: consent must be one of: any, first_only, required',
    });
  });

  it('says when Google could not be read', () => {
    // Prepare
    const { services, ui, urlFetch } = world();
    urlFetch.respond = () => ({
      status: 502,
      body: JSON.stringify({ error: 'google_unavailable', message: 'x' }),
    });

    // Act
    const result = syncRulesNow(services);

    // Assess
    expect(result.kind).toBe('failed');
    expect(ui.dialogs[0]?.text).toContain('could not reach Google');
  });
});

describe('readAnswer', () => {
  /** The message of an answer that is not a success. */
  const messageOf = (status: number, body: string) => {
    const answer = readAnswer(httpResponse(status, body));
    return answer.ok ? undefined : answer.message;
  };

  it.each([
    [
      "the engine's busy cart",
      429,
      JSON.stringify({
        error: 'busy',
        message: 'Other deliveries were changing the same cart at this moment.',
      }),
    ],
    ["Lambda's own throttling", 429, JSON.stringify({ Message: 'Rate Exceeded.' })],
  ])('tells the owner to wait and choose the menu item again for %s (429)', (_what, status, body) => {
    expect(messageOf(status, body)).toBe(
      'Cart Recovery was busy and did nothing this time. Wait a few seconds, then choose the menu item again.',
    );
  });

  it("does not blame Google for a 502 that is not the engine's google_unavailable", () => {
    expect(messageOf(502, JSON.stringify({ Message: 'Internal server error' }))).toBe(
      'Cart Recovery had a problem (HTTP 502); nothing was lost. Try again in a minute.',
    );
  });

  it('says the address leads elsewhere for a page or redirect that is not an answer of the engine', () => {
    expect(messageOf(404, '<html>Not Found</html>')).toBe(
      'The address in Set up does not lead to Cart Recovery (HTTP 404). Check the URLs in Set up.',
    );
    expect(messageOf(302, '')).toBe(
      'The address in Set up does not lead to Cart Recovery (HTTP 302). Check the URLs in Set up.',
    );
  });

  it('gives a readable message for a server error that is not JSON', () => {
    expect(readAnswer(httpResponse(500, '<html>Internal Server Error</html>'))).toEqual({
      ok: false,
      status: 500,
      error: 'http_500',
      message: 'Cart Recovery had a problem (HTTP 500); nothing was lost. Try again in a minute.',
      errors: [],
    });
  });
});

describe('showHelp', () => {
  it('explains the menu', () => {
    const { services, ui } = world();
    showHelp(services);
    expect(ui.dialogs).toEqual([
      { kind: 'alert', title: 'Cart Recovery help', text: HELP_TEXT, buttons: 'OK' },
    ]);
    expect(HELP_TEXT).toContain('"Carts" tab');
  });
});
