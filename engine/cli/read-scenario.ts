import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseScenarioLine, type ScenarioLine } from '../simulation/scenario-line.js';

/** Streams a JSONL scenario file line by line (blank lines and `#` comments skipped). */
export async function* readScenario(path: string): AsyncGenerator<ScenarioLine> {
  const lines = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let number = 0;
  for await (const text of lines) {
    number++;
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    yield parseScenarioLine(trimmed, number);
  }
}
