/** Rules docs in YAML for the tests of the rules source and publisher. */
export const RULES_YAML = `
store:
  name: Acme Outfitters
  timezone: America/New_York
  fromEmail: hello@acme.example
  address: "1 Main Street, Springfield, USA"
frequencyCapHours: 72
`;
export const CHANGED_YAML = RULES_YAML.replace('frequencyCapHours: 72', 'frequencyCapHours: 48');
export const INVALID_YAML = RULES_YAML.replace('frequencyCapHours: 72', 'frequencyCapHours: -5');
