import { describe, expect, it } from 'vitest';
import { parseScenarioLine, ScenarioLineError } from '#engine/simulation/scenario-line.js';

/** The field errors `parseScenarioLine` refuses `text` with (none if it is accepted). */
function errorsOf(text: string) {
  try {
    parseScenarioLine(text, 7);
    return [];
  } catch (error) {
    if (!(error instanceof ScenarioLineError)) throw error;
    return error.errors;
  }
}

describe('parseScenarioLine', () => {
  it('names the action field of a line whose action is unknown', () => {
    // Act
    const errors = errorsOf('{"at":"2026-06-10T10:00:00Z","action":"explode","cartId":"x"}');

    // Assess
    expect(errors).toEqual([
      { path: 'action', message: 'action must be suppress, write_off or unsubscribe' },
    ]);
  });

  it("names the event line's own bad field: a missing time, a condition other than reminded", () => {
    // Act
    const noTime = errorsOf('{"event":{}}');
    const badIf = errorsOf('{"at":"2026-06-10T10:00:00Z","event":{},"if":"bought"}');

    // Assess
    expect(noTime).toEqual([{ path: 'at', message: expect.stringMatching(/^at must be an ISO-8601 time/) }]);
    expect(badIf).toEqual([{ path: 'if', message: 'if must be "reminded"' }]);
  });

  it('asks for "event" or "action" when a line has neither', () => {
    // Act
    const errors = [errorsOf('{"at":"2026-06-10T10:00:00Z"}'), errorsOf('[]')];

    // Assess
    expect(errors).toEqual([
      [{ path: '', message: 'each line needs "at" and either "event" or "action"' }],
      [{ path: '', message: 'each line needs "at" and either "event" or "action"' }],
    ]);
  });

  it('reads a good event line and a good action line, with the line number', () => {
    // Act
    const event = parseScenarioLine('{"at":"2026-06-10T10:00:00Z","event":{"id":"e"},"if":"reminded"}', 3);
    const action = parseScenarioLine('{"at":"2026-06-10T10:00:00Z","action":"suppress","cartId":"c"}', 4);

    // Assess
    expect(event).toEqual({
      at: Date.parse('2026-06-10T10:00:00Z'),
      event: { id: 'e' },
      if: 'reminded',
      line: 3,
    });
    expect(action).toEqual({
      at: Date.parse('2026-06-10T10:00:00Z'),
      action: 'suppress',
      cartId: 'c',
      line: 4,
    });
  });
});
