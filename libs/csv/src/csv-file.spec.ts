import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectDelimiter } from './csv-file';

describe('detectDelimiter', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'csv-sniff-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const detect = async (text: string) => {
    const path = join(dir, `${Math.random().toString(36).slice(2)}.csv`);
    await writeFile(path, text);
    return detectDelimiter(path);
  };

  it('finds the separator that splits the header and every row alike', async () => {
    expect(await detect('a,b,c\n1,2,3\n')).toBe(',');
    expect(await detect('Vorname;Nachname;E-Mail\nAda;Lovelace;ada@example.com\n')).toBe(';');
    expect(await detect('\uFEFFname\temail\nAda\tada@example.com\n')).toBe('\t');
  });

  it('honours quotes: a separator inside a quoted cell does not count', async () => {
    expect(await detect('name,notes\n"Lovelace; Ada","a; b; c"\n')).toBe(',');
    expect(await detect('name;notes\n"Lovelace, Ada";"a, b, c"\n')).toBe(';');
  });

  it('prefers the split every row agrees with, and a comma when nothing splits the header', async () => {
    // Two commas in the header but rows that disagree; semicolons split every line alike.
    expect(await detect('a;b,c;d\n1;2;3\n4;5,6;7\n')).toBe(';');
    expect(await detect('email\nada@example.com\n')).toBe(',');
  });

  it('judges only whole lines of a long file', async () => {
    const row = 'Ada;Lovelace;ada@example.com\n';
    expect(await detect(`given;family;email\n${row.repeat(5000)}`)).toBe(';');
  });
});
