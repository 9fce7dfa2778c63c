import {
  EXIT_FAILED,
  EXIT_IMPORTED,
  EXIT_SOME_ROWS_FAILED,
  importCliArgs,
  importSummary,
  importUsage,
  previewText,
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
  it('sends a preset, mappings by position and value mappings', () => {
    const args = importCliArgs(
      contacts,
      [
        'hubspot.csv',
        '--preset',
        'hubspot',
        '--map',
        '#7=otherPhones',
        '--value',
        'lifecycleStage[Marketing Qualified Lead]=lead',
        '--value',
        'lifecycleStage[Other]=',
      ],
      {},
    );
    expect(args !== 'help' && Object.fromEntries(args.query)).toEqual({
      kind: 'contacts',
      preset: 'hubspot',
      mapping: JSON.stringify({ '#7': 'otherPhones' }),
      values: JSON.stringify({ lifecycleStage: { 'Marketing Qualified Lead': 'lead', Other: '' } }),
    });
  });

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
    expect(importCliArgs(contacts, ['a.csv', '--on-invalid-cell', 'skip', '--date-order', 'mdy'], {})).toMatchObject({
      query: new URLSearchParams({ kind: 'contacts', onInvalidCell: 'skip', dateOrder: 'mdy' }),
    });
    expect(importCliArgs(contacts, ['a.csv'], { CONTACTS_URL: 'http://contacts:3000/' })).toMatchObject({
      url: 'http://contacts:3000',
      query: new URLSearchParams({ kind: 'contacts' }),
    });
  });

  it('asks for a preview with --preview, and its rows with --rows', () => {
    expect(importCliArgs(contacts, ['a.csv', '--preview', '--rows', '50'], {})).toMatchObject({
      preview: true,
      query: new URLSearchParams({ kind: 'contacts', rows: '50' }),
    });
    expect(importCliArgs(contacts, ['a.csv'], {})).toMatchObject({ preview: false });
    expect(() => importCliArgs(contacts, ['a.csv', '--rows', '50'], {})).toThrow('--rows goes with --preview');
  });

  it('asks for rows of a second kind with --rows-where', () => {
    expect(importCliArgs(contacts, ['partners.csv', '--rows-where', 'companies=Is a Company'], {})).toMatchObject({
      query: new URLSearchParams({ kind: 'contacts', 'rowsWhere[companies]': 'Is a Company' }),
    });
    expect(() => importCliArgs(contacts, ['a.csv', '--rows-where', 'is_company'], {})).toThrow(
      '--rows-where takes "kind=Column"',
    );
  });

  it('prints a preview as a table of columns and the rows’ outcomes, and exits as the import would', () => {
    const preview = {
      kind: 'contacts',
      delimiter: ';' as const,
      rowsTotal: 120,
      columns: [
        { position: 1, header: 'First Name', field: 'givenName', confidence: 'alias' as const, samples: ['Ada', 'Alan'] },
        { position: 2, header: 'Fax', confidence: 'none' as const, samples: [] },
      ],
      columnErrors: [],
      valueMappings: { lifecycleStage: { 'Marketing Qualified Lead': 'lead' } },
      rows: [
        { row: 2, outcome: 'created' as const },
        { row: 3, outcome: 'unchanged' as const, targetId: 'c-1' },
        {
          row: 4,
          outcome: 'failed' as const,
          severity: 'error' as const,
          type: 'validation',
          title: 'The row is invalid',
          errors: [{ field: 'email', column: 'E-Mail', messages: ['must be an e-mail address'] }],
        },
      ],
    };
    const { text, exitCode } = previewText(preview, 'people.csv');
    expect(text).toBe(
      [
        'Preview of people.csv (contacts, 120 rows, delimiter ";"); nothing was written.',
        '  #  column      field      confidence  samples',
        '  1  First Name  givenName  alias       Ada | Alan',
        '  2  Fax         -          none',
        'Values of lifecycleStage: Marketing Qualified Lead -> lead',
        'The first 3 of 120 rows:',
        '  row 2: would create',
        '  row 3: unchanged c-1',
        '  row 4: would fail: E-Mail: must be an e-mail address',
        '',
      ].join('\n'),
    );
    expect(exitCode).toBe(EXIT_SOME_ROWS_FAILED);
    const refused = previewText(
      {
        ...preview,
        rows: [],
        columnErrors: [{ field: 'columns[1]', messages: ['column "Fax" fills no field; map it (mapping[Fax]=<field>)'] }],
      },
      'people.csv',
    );
    expect(refused.text).toContain(
      'The import would refuse these columns:\n  columns[1]: column "Fax" fills no field; map it (--map "Fax=<field>")',
    );
    expect(refused.exitCode).toBe(EXIT_FAILED);

    const split = previewText(
      {
        ...preview,
        rowsWhere: {
          kind: 'companies',
          header: 'is_company',
          position: 3,
          columns: [{ ...preview.columns[0], field: 'name', confidence: 'exact' }],
        },
        rows: [{ row: 2, kind: 'companies', outcome: 'created' }],
      },
      'partners.csv',
    );
    expect(split.text).toContain(
      [
        'Rows whose "is_company" is true are companies, read by these columns:',
        '  #  column      field  confidence  samples',
      ].join('\n'),
    );
    expect(split.text).toContain('  row 2 (companies): would create');
  });

  it('sends a workbook as .xlsx, and a CSV in the charset --encoding names, else without one for the service to tell', () => {
    const typeOf = (argv: string[]) => (importCliArgs(contacts, argv, {}) as { contentType: string }).contentType;
    expect(typeOf(['people.csv'])).toBe('text/csv');
    expect(typeOf(['odoo.csv', '--encoding', 'windows-1252'])).toBe('text/csv; charset=windows-1252');
    expect(typeOf(['Kontakte.XLSX'])).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(typeOf(['old.xls'])).toBe('application/vnd.ms-excel'); // the service refuses it, saying what to save it as
  });

  it('tells the service’s kinds and URL in its usage', () => {
    expect(importUsage(contacts)).toContain('[--kind contacts|companies]');
    expect(importUsage(contacts)).toContain('[--url http://127.0.0.1:3001]');
  });

  it('refuses what it cannot send', () => {
    expect(() => importCliArgs(contacts, [], {})).toThrow('name one CSV or .xlsx file');
    expect(() => importCliArgs(contacts, ['a.csv', '--kind', 'deals'], {})).toThrow('--kind is contacts or companies');
    expect(() => importCliArgs(contacts, ['a.csv', '--map', 'email'], {})).toThrow('--map takes "Header=field"');
    expect(() => importCliArgs(contacts, ['a.csv', '--value', 'lifecycleStage=lead'], {})).toThrow(
      '--value takes "field[cell]=value"',
    );
    expect(() => importCliArgs(contacts, ['a.csv', '--colour'], {})).toThrow();
    expect(() => importCliArgs(contacts, ['a.xlsx', '--encoding', 'latin1'], {})).toThrow('--encoding is for a CSV file');
    expect(() => importCliArgs(contacts, ['a.csv', '--encoding', 'latin1\r\nX-Evil: 1'], {})).toThrow(
      '--encoding takes a charset name',
    );
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
    warnings: 1,
    onInvalidCell: 'skip',
    createdAt: '2026-01-01T00:00:00.000Z',
    badRows: [
      {
        row: 3,
        severity: 'error',
        type: 'validation',
        title: 'The row is invalid',
        errors: [{ field: 'email', column: 'E-Mail', messages: ['email must be an email'] }],
      },
    ],
    warningRows: [
      {
        row: 2,
        severity: 'warning',
        type: 'import-warnings',
        title: 'The row was imported with warnings',
        errors: [{ field: 'phone', column: 'Phone', messages: ['phone must be a valid phone number'] }],
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
    expect(
      problemText(400, { title: 'x', errors: [{ field: 'values[tier]', messages: ['map it: values[tier][Gold]=gold'] }] }),
    ).toBe('400 x\n  values[tier]: map it: --value "tier[Gold]=gold"');
    expect(
      problemText(400, {
        title: 'The columns do not fit',
        errors: [
          {
            field: 'columns',
            messages: [
              'columns 3 and 9 ("Phone Number") both fill phone; map one by position: mapping[#9]=<field> or mapping[#9]=ignore',
            ],
          },
        ],
      }),
    ).toBe(
      '400 The columns do not fit\n  columns: columns 3 and 9 ("Phone Number") both fill phone; map one by position: --map "#9=<field>" or --map "#9=ignore"',
    );
    expect(problemText(400, refusal)).toBe(
      [
        '400 The file’s columns do not fit the import: 1 problem with the columns; see errors.',
        '  columns[0]: column "Mobile Phone" fills no field; map it (--map "Mobile Phone=<field>"), drop it (--map "Mobile Phone=ignore") or add --ignore-unknown-columns',
      ].join('\n'),
    );
  });

  it('tells a file whose charset the service cannot tell to name it with --encoding', () => {
    const refusal = {
      title: 'The request body has an unsupported media type',
      detail:
        'The file is not UTF-8 and its charset could not be told. Save it as "CSV UTF-8", or declare its charset in the Content-Type (text/csv; charset=...: utf-8, windows-1252).',
    };
    expect(problemText(415, refusal)).toBe(
      '415 The request body has an unsupported media type: The file is not UTF-8 and its charset could not be told. Save it as "CSV UTF-8", or name its charset with --encoding (utf-8, windows-1252).',
    );
  });

  it('ends with the counts, the first bad rows and rows with warnings, and an exit code that tells whether rows failed', () => {
    const { text, exitCode } = importSummary(job, 'people.csv', 1.25);
    expect(text).toBe(
      [
        'Imported people.csv (contacts, job j-1): 3 of 3 rows in 1.3 s',
        '  created 1, updated 1, unchanged 0, failed 1, with warnings 1',
        'Bad rows (1 of 1; all of them: GET /v1/imports/j-1/errors):',
        '  row 3: E-Mail: email must be an email',
        'Rows imported with warnings (1 of 1; all of them: GET /v1/imports/j-1/errors):',
        '  row 2: Phone: phone must be a valid phone number',
        '',
      ].join('\n'),
    );
    expect(exitCode).toBe(EXIT_SOME_ROWS_FAILED);
    expect(importSummary({ ...job, failed: 0, badRows: [] }, 'p.csv', 1).exitCode).toBe(EXIT_IMPORTED);
    expect(importSummary({ ...job, status: 'failed', failureReason: 'stopped' }, 'p.csv', 1).exitCode).toBe(EXIT_FAILED);
  });
});
