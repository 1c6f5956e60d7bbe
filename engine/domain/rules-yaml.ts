/**
 * The rules doc as people write it, in YAML. Kept apart from rules.ts so that code which only needs
 * the schema (every Lambda reads the published JSON) does not load a YAML parser.
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { RulesValidationError } from './errors.js';
import { parseRules, type Rules } from './rules.js';

/**
 * Parses and validates the YAML rules doc.
 * @example parseRulesYaml('store: { name: Acme, timezone: Europe/Berlin, fromEmail: a@b.example, address: "1 Main St" }')
 */
export function parseRulesYaml(text: string): Rules {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (cause) {
    const where =
      // Stryker disable next-line LogicalOperator: equivalent, yaml gives every YAMLParseError a linePos and no other error one
      cause instanceof YAMLParseError && cause.linePos ? `line ${cause.linePos[0].line}` : '(root)';
    const message =
      cause instanceof Error
        ? cause.message.split('\n')[0]
        : // Stryker disable next-line StringLiteral: unreachable, yaml throws only Error instances
          'not valid YAML';
    throw new RulesValidationError([{ path: where, message: `is not valid YAML: ${message}` }], { cause });
  }
  return parseRules(doc);
}
