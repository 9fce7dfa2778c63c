import {
  EXIT_FAILED,
  EXIT_IMPORTED,
  EXIT_SOME_ROWS_FAILED,
  importCliArgs,
  importSummary,
  importUsage,
  problemText,
  type ImportCli,
} from './cli';
import type { ImportJobView } from './job-store';

const contacts: ImportCli = {
  kinds: ['contacts', 'companies'],
  urlVariable: 'CONTACTS_URL',
  defaultUrl: 'http://127.0.0.1:3001',
};

describe('import command line', () => {
  it('turns the arguments into the upload request', () => {
    const args = importCliArgs(
      contacts,
      ['people.csv', '--kind', 'companies', '--map', 'Work Email=email', '--map', 'Notes = ignore', '--ignore-unknown-columns'],
      {},
    );
    expect(args).not.toBe('help');
    if (args === 'help') return;
    expect(args.file).toBe('people.csv');
    expect(args.url).toBe('http://127.0.0.1:3001');
    expect(Object.fromEntries(args.query)).toEqual({
      kind: 'companies',
      mapping: JSON.stringify({ 'Work Email': 'email', Notes: 'ignore' }),
      ignoreUnknownColumns: 'true',
    });
    expect(importCliArgs(contacts, ['a.csv', '--url', 'https://crm.example/'], {})).toMatchObject({ url: 'https://crm.example' });
    expect(importCliArgs(contacts, ['a.csv', '--default-country', 'Schweiz', '--delimiter', ';'], {})).toMatchObject({
      query: new URLSearchParams({ kind: 'contacts', delimiter: ';', defaultCountry: 'Schweiz' }),
    });
    expect(importCliArgs(contacts, ['a.csv'], { CONTACTS_URL: 'http://contacts:3000/' })).toMatchObject({
      url: 'http://contacts:3000',
      query: new URLSearchParams({ kind: 'contacts' }),
    });
  });

  it('tells the service’s kinds and URL in its usage', () => {
    expect(importUsage(contacts)).toContain('[--kind contacts|companies]');
    expect(importUsage(contacts)).toContain('[--url http://127.0.0.1:3001]');
  });

  it('refuses what it cannot send', () => {
    expect(() => importCliArgs(contacts, [], {})).toThrow('name one CSV file');
    expect(() => importCliArgs(contacts, ['a.csv', '--kind', 'deals'], {})).toThrow('--kind is contacts or companies');
    expect(() => importCliArgs(contacts, ['a.csv', '--map', 'email'], {})).toThrow('--map takes "Header=field"');
    expect(() => importCliArgs(contacts, ['a.csv', '--colour'], {})).toThrow();
  });

  const job: ImportJobView = {
    jobId: 'j-1',
    kind: 'contacts',
    status: 'completed',
    createdBy: 'cli',
    columns: [],
    bytesTotal: 100,
    bytesProcessed: 100,
    rowsTotal: 3,
    rowsRead: 3,
    created: 1,
    updated: 1,
    unchanged: 0,
    failed: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    badRows: [
      {
        row: 3,
        type: 'validation',
        title: 'The row is invalid',
        errors: [{ field: 'email', column: 'E-Mail', messages: ['email must be an email'] }],
      },
    ],
    badRowsUrl: '/v1/imports/j-1/errors',
  };

  it('prints a refusal with the service’s hints in the command’s words', () => {
    const refusal = {
      title: 'The file’s columns do not fit the import',
      detail: '1 problem with the columns; see errors.',
      errors: [
        {
          field: 'columns[0]',
          messages: [
            'column "Mobile Phone" fills no field; map it (mapping[Mobile Phone]=<field>), drop it (mapping[Mobile Phone]=ignore) or send ignoreUnknownColumns=true',
          ],
        },
      ],
    };
    expect(problemText(400, refusal)).toBe(
      [
        '400 The file’s columns do not fit the import: 1 problem with the columns; see errors.',
        '  columns[0]: column "Mobile Phone" fills no field; map it (--map "Mobile Phone=<field>"), drop it (--map "Mobile Phone=ignore") or add --ignore-unknown-columns',
      ].join('\n'),
    );
  });

  it('ends with the counts, the first bad rows, and an exit code that tells whether rows failed', () => {
    const { text, exitCode } = importSummary(job, 'people.csv', 1.25);
    expect(text).toBe(
      [
        'Imported people.csv (contacts, job j-1): 3 of 3 rows in 1.3 s',
        '  created 1, updated 1, unchanged 0, failed 1',
        'Bad rows (1 of 1; all of them: GET /v1/imports/j-1/errors):',
        '  row 3: E-Mail: email must be an email',
        '',
      ].join('\n'),
    );
    expect(exitCode).toBe(EXIT_SOME_ROWS_FAILED);
    expect(importSummary({ ...job, failed: 0, badRows: [] }, 'p.csv', 1).exitCode).toBe(EXIT_IMPORTED);
    expect(importSummary({ ...job, status: 'failed', failureReason: 'stopped' }, 'p.csv', 1).exitCode).toBe(EXIT_FAILED);
  });
});
