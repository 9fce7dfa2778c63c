import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { convertWorkbook, dateText, numberText } from './xlsx';

describe('cells of a workbook', () => {
  it('writes numbers as the sheet shows them: ids in full, no float noise, no scientific notation', () => {
    expect(numberText(152533000001)).toBe('152533000001');
    expect(numberText(0.1 + 0.2)).toBe('0.3');
    expect(numberText(-12.5)).toBe('-12.5');
    expect(numberText(0.0000001)).toBe('0.0000001');
  });

  it('writes dates as ISO dates, with the time only when they have one', () => {
    expect(dateText(new Date(Date.UTC(1985, 2, 14)))).toBe('1985-03-14');
    expect(dateText(new Date(Date.UTC(2024, 0, 2, 9, 30)))).toBe('2024-01-02T09:30:00');
    expect(dateText(new Date(Date.UTC(2024, 0, 2, 9, 29, 59, 999)))).toBe('2024-01-02T09:30:00');
  });
});

describe('convertWorkbook', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xlsx-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const limits = { maxRows: 100, maxCsvBytes: 1024 * 1024, maxInflatedBytes: 20 * 1024 * 1024 };
  const workbook = async (rows: unknown[][], name = `${Math.random().toString(36).slice(2)}.xlsx`) => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Contacts');
    rows.forEach((row, i) => (row.length ? (sheet.getRow(i + 1).values = row as ExcelJS.CellValue[]) : undefined));
    book.addWorksheet('Other').addRow(['not read']);
    const path = join(dir, name);
    await book.xlsx.writeFile(path);
    return path;
  };
  const converted = async (path: string, within = limits) => {
    const csv = `${path}.csv`;
    await convertWorkbook(path, csv, within);
    return readFile(csv, 'utf8');
  };

  it('converts the first worksheet: text, ids, dates, formulas as their results, empty edges dropped', async () => {
    const path = await workbook([
      ['externalId', 'givenName', 'birthday', 'email', null],
      [
        152533000001,
        'Jürgen, "Jo"',
        new Date(Date.UTC(1985, 2, 14)),
        { formula: 'LOWER("JO@EXAMPLE.COM")', result: 'jo@example.com' },
      ],
      [],
      [152533000002, 'Ada', null, null, null],
      [],
    ]);
    expect(await converted(path)).toBe(
      'externalId,givenName,birthday,email\n152533000001,"Jürgen, ""Jo""",1985-03-14,jo@example.com\n\n152533000002,Ada,,\n',
    );
  });

  it('refuses a sheet past the row limit (413), and a cut or foreign file (400)', async () => {
    const path = await workbook([['email'], ...Array.from({ length: 5 }, (_, i) => [`p${i}@example.com`])]);
    await expect(converted(path, { ...limits, maxRows: 4 })).rejects.toMatchObject({ problem: { status: 413 } });
    await expect(converted(path, { ...limits, maxCsvBytes: 40 })).rejects.toMatchObject({ problem: { status: 413 } });
    await expect(converted(path, { ...limits, maxInflatedBytes: 1000 })).rejects.toMatchObject({
      problem: { status: 413, detail: expect.stringContaining('unpacks to more than 1000 bytes') },
    });
    const whole = await readFile(path);
    const cut = join(dir, 'cut.xlsx');
    await writeFile(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    await expect(converted(cut)).rejects.toMatchObject({ problem: { status: 400, type: 'invalid-workbook' } });
    const text = join(dir, 'text.xlsx');
    await writeFile(text, 'email\nada@example.com\n');
    await expect(converted(text)).rejects.toMatchObject({ problem: { status: 400, type: 'invalid-workbook' } });
  });
});
