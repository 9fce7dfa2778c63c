import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

type Case = [what: string, path: string, code: string];

/** The rules each text breaks as if it were the file at its path, by the build's own ESLint configuration. */
function brokenRules(cases: readonly Case[]): Map<string, string[]> {
  const input = JSON.stringify(cases.map(([, path, code]) => ({ path, code })));
  const output = execFileSync(process.execPath, [join(__dirname, 'lint-texts.mjs')], { input, encoding: 'utf8' });
  const results = JSON.parse(output) as string[][];
  return new Map(cases.map(([what], index) => [what, results[index]]));
}

const VIOLATIONS: Case[] = [
  [
    'domain imports application',
    'services/contacts/src/domain/x.ts',
    "import { ContactLookup } from '../application/contact-lookup';\nexport const x = ContactLookup;",
  ],
  [
    'application imports api',
    'services/contacts/src/application/x.ts',
    "import { ContactsController } from '../api/contacts.controller';\nexport const x = ContactsController;",
  ],
  [
    'a library core imports Nest glue',
    'libs/messaging/src/x.ts',
    "import { EVENT_STORE } from '@crm/eventsourcing/nest';\nexport const x = EVENT_STORE;",
  ],
  [
    'a library imports one above it (a cycle)',
    'libs/platform/src/x.ts',
    "import { newId } from '@crm/eventsourcing';\nexport const x = newId;",
  ],
  [
    'the contracts import a runtime library',
    'libs/contracts/src/x.ts',
    "import { createPool } from '@crm/postgres';\nexport const x = createPool;",
  ],
  [
    'the timers import the event store (services join them, ADR 0019)',
    'libs/timers/src/x.ts',
    "import { newId } from '@crm/eventsourcing';\nexport const x = newId;",
  ],
  [
    'a library imports the service kit',
    'libs/projections/src/x.ts',
    "import { defineService } from '@crm/service-kit';\nexport const x = defineService;",
  ],
];
const IMPURE_DOMAINS: Case[] = [
  ['Nest', 'services/analytics/src/domain/x.ts', "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;"],
  ['a database driver', 'services/analytics/src/domain/x.ts', "import { Pool } from 'pg';\nexport const x = Pool;"],
  [
    'a runtime value of our libraries',
    'services/analytics/src/domain/x.ts',
    "import { defineProjection } from '@crm/projections';\nexport const x = defineProjection;",
  ],
];
// class-validator's IsOptional skips its field's rules for null as well, so null reached the event contracts (a 500).
const LETS_NULL_THROUGH: Case[] = [
  [
    'a DTO with IsOptional',
    'services/contacts/src/api/x.ts',
    "import { IsOptional } from 'class-validator';\nexport const x = IsOptional;",
  ],
];
const ALLOWED: Case[] = [
  [
    'a domain importing types of our libraries and values of the contracts',
    'services/analytics/src/domain/x.ts',
    "import type { DecodedEvent } from '@crm/messaging';\nimport { LIFECYCLE_STAGES } from '@crm/contracts';\nexport type X = DecodedEvent;\nexport const x = LIFECYCLE_STAGES;",
  ],
  [
    'api importing application',
    'services/contacts/src/api/x.ts',
    "import { ContactLookup } from '../application/contact-lookup';\nexport const x = ContactLookup;",
  ],
  [
    'a library importing one below it',
    'libs/projections/src/x.ts',
    "import { EventConsumer } from '@crm/messaging';\nexport const x = EventConsumer;",
  ],
  [
    'the kit importing any library',
    'libs/service-kit/src/x.ts',
    "import { ReadModelsModule } from '@crm/projections/nest';\nexport const x = ReadModelsModule;",
  ],
];

// The rules the build runs (`npm run lint`, in .ci/run): these deliberate violations are what fails it.
describe('architecture boundaries (eslint.config.mjs)', () => {
  let broken: Map<string, string[]>;
  beforeAll(() => {
    broken = brokenRules([...VIOLATIONS, ...IMPURE_DOMAINS, ...LETS_NULL_THROUGH, ...ALLOWED]);
  }, 60_000);

  it.each(VIOLATIONS)('fails the build when %s', (what) => {
    expect(broken.get(what)).toContain('boundaries/dependencies');
  });

  it.each(IMPURE_DOMAINS)('keeps %s out of a domain', (what) => {
    expect(broken.get(what)).toContain('@typescript-eslint/no-restricted-imports');
  });

  it.each(LETS_NULL_THROUGH)('refuses %s: Optional() from @crm/platform/nest refuses null', (what) => {
    expect(broken.get(what)).toContain('no-restricted-imports');
  });

  it.each(ALLOWED)('lets through %s', (what) => {
    expect(broken.get(what)).toEqual([]);
  });
});
