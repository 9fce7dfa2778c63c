import { partFormatOf, uploadFormatOf, XLSX_MEDIA_TYPE } from './upload';

const statusOf = (run: () => unknown) => {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as { problem: { status: number } }).problem.status;
  }
};

describe('uploadFormatOf', () => {
  it('reads a CSV’s declared charset, quoted or not, as browsers name it', () => {
    expect(uploadFormatOf('text/csv')).toEqual({ type: 'csv' });
    expect(uploadFormatOf('text/csv; charset=windows-1252')).toEqual({ type: 'csv', encoding: 'windows-1252' });
    expect(uploadFormatOf('Text/CSV;Charset="latin1"')).toEqual({ type: 'csv', encoding: 'windows-1252' });
    expect(uploadFormatOf('text/csv; header=present; charset=UTF-16LE')).toEqual({ type: 'csv', encoding: 'utf-16le' });
  });

  it('takes a workbook and a form, and refuses .xls and anything else with a 415', () => {
    expect(uploadFormatOf(XLSX_MEDIA_TYPE)).toEqual({ type: 'xlsx' });
    expect(uploadFormatOf('multipart/form-data; boundary=x')).toEqual({
      type: 'multipart',
      contentType: 'multipart/form-data; boundary=x',
    });
    expect(() => uploadFormatOf('application/vnd.ms-excel')).toThrow(/save the sheet as .xlsx or as CSV UTF-8/);
    expect(statusOf(() => uploadFormatOf('application/json'))).toBe(415);
    expect(statusOf(() => uploadFormatOf(undefined))).toBe(415);
    expect(statusOf(() => uploadFormatOf('text/csv; charset=klingon'))).toBe(415);
  });
});

describe('partFormatOf', () => {
  it('goes by the file’s name first: Windows sends a .csv as application/vnd.ms-excel', () => {
    expect(partFormatOf('Kontakte.CSV', 'application/vnd.ms-excel')).toEqual({ type: 'csv' });
    expect(partFormatOf('export.txt', 'text/plain')).toEqual({ type: 'csv' });
    expect(partFormatOf('kontakte.xlsx', 'application/octet-stream')).toEqual({ type: 'xlsx' });
    expect(statusOf(() => partFormatOf('alt.xls', 'application/vnd.ms-excel'))).toBe(415);
  });

  it('then by its type, a CSV when neither says more', () => {
    expect(partFormatOf(undefined, XLSX_MEDIA_TYPE)).toEqual({ type: 'xlsx' });
    expect(partFormatOf('contacts', 'text/csv')).toEqual({ type: 'csv' });
    expect(partFormatOf('blob', 'application/octet-stream')).toEqual({ type: 'csv' });
  });
});
