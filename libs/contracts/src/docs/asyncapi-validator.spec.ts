import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';

const published = join(__dirname, '../../../../docs/asyncapi.yaml');
// The parser loads its rulesets and checks every schema and example: seconds on a busy machine.
const PARSER_TIMEOUT_MS = 60_000;

describe('the published AsyncAPI document (docs/asyncapi.yaml)', () => {
  it(
    'passes the official AsyncAPI parser and its rules: no error, no warning',
    async () => {
      const { document, diagnostics } = await new Parser().parse(readFileSync(published, 'utf8'));
      const problems = diagnostics
        .filter((diagnostic) => diagnostic.severity <= DiagnosticSeverity.Warning)
        .map(
          (diagnostic) =>
            `${DiagnosticSeverity[diagnostic.severity]} ${diagnostic.code} at ${diagnostic.path.join('.')}: ${diagnostic.message}`,
        );
      expect(problems).toEqual([]);
      expect(document?.allMessages().length).toBeGreaterThan(0);
    },
    PARSER_TIMEOUT_MS,
  );
});
