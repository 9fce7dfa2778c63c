import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { bomEncoding, CharsetSniffer, decodingStream, encodingOf, utf8From } from './encoding';

const FIXTURES = join(__dirname, '../../../services/contacts/test/fixtures/imports');

/** The sniffer's verdict on bytes fed in chunks of `size`, or the problem's status and detail. */
function sniff(bytes: Buffer, size = 7): string {
  const sniffer = new CharsetSniffer();
  for (let at = 0; at < bytes.length; at += size) sniffer.add(bytes.subarray(at, at + size));
  try {
    return sniffer.verdict();
  } catch (error) {
    return `${(error as { problem: { status: number } }).problem.status}: ${(error as Error).message}`;
  }
}

describe('encodingOf', () => {
  it('names a charset label as browsers read it', () => {
    expect(encodingOf('windows-1252')).toBe('windows-1252');
    expect(encodingOf('ISO-8859-1')).toBe('windows-1252');
    expect(encodingOf('latin1')).toBe('windows-1252');
    expect(encodingOf('UTF-16LE')).toBe('utf-16le');
    expect(encodingOf('utf8')).toBe('utf-8');
  });

  it('refuses a label no decoder reads with a 415 naming it and the charsets to declare', () => {
    expect(() => encodingOf('klingon')).toThrow(/"klingon" is not supported.*windows-1252, iso-8859-1, utf-16le/);
  });
});

describe('bomEncoding', () => {
  it('reads UTF-8 and UTF-16 byte order marks, and nothing else', () => {
    expect(bomEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x61]))).toBe('utf-8');
    expect(bomEncoding(Buffer.from([0xff, 0xfe, 0x61, 0]))).toBe('utf-16le');
    expect(bomEncoding(Buffer.from([0xfe, 0xff, 0, 0x61]))).toBe('utf-16be');
    expect(bomEncoding(Buffer.from('abc'))).toBeUndefined();
  });
});

describe('utf8From', () => {
  it('decodes chunk by chunk, a character split between chunks included, and drops the BOM', () => {
    const decode = utf8From('utf-16le');
    const bytes = Buffer.from([0xff, 0xfe, ...Buffer.from('Müller', 'utf16le')]);
    const text = Buffer.concat([decode(bytes.subarray(0, 5)), decode(bytes.subarray(5)), decode(undefined)]).toString();
    expect(text).toBe('Müller');
  });

  it('refuses bytes the charset cannot hold', () => {
    const decode = utf8From('utf-8');
    expect(() => Buffer.concat([decode(Buffer.from([0x61, 0xff])), decode(undefined)])).toThrow(/not utf-8 text/);
  });
});

describe('decodingStream', () => {
  const decoded = async (chunks: Buffer[]) => {
    const out: Buffer[] = [];
    for await (const chunk of Readable.from(chunks).pipe(
      decodingStream((start) => utf8From(bomEncoding(start) ?? 'windows-1252')),
    )) {
      out.push(chunk as Buffer);
    }
    return Buffer.concat(out).toString();
  };

  it('chooses the decoder by the first bytes, a BOM cut into one-byte chunks included', async () => {
    const utf16 = Buffer.from([0xfe, 0xff, ...Buffer.from('\u0000M\u0000\u00fc', 'latin1')]);
    expect(await decoded([...utf16].map((byte) => Buffer.from([byte])))).toBe('Mü');
    expect(await decoded([Buffer.from('M\xfcller', 'latin1')])).toBe('Müller');
    expect(await decoded([Buffer.from('a')])).toBe('a'); // shorter than a BOM
    expect(await decoded([])).toBe('');
  });
});

describe('CharsetSniffer', () => {
  it('takes UTF-8 as it is, a character cut between chunks included', () => {
    expect(sniff(Buffer.from('Name;Ort\nJürgen;München\n'), 3)).toBe('utf-8');
  });

  it('tells windows-1252 from Western European text: an Odoo export with German headers and umlauts', () => {
    expect(sniff(readFileSync(join(FIXTURES, 'odoo-partners-windows-1252.csv')))).toBe('windows-1252');
    expect(sniff(Buffer.from('nom,ville\nFrançois Lefèvre,Besançon\nHélène Côté,Orléans\n', 'latin1'))).toBe('windows-1252');
  });

  it('refuses what it cannot tell, saying which charsets to declare', () => {
    // Czech in windows-1250: ř ě are ø ì in windows-1252, and chardet's statistics say Central European.
    const czech = Buffer.from(
      'jmeno,mesto\nJi\xf8\xed Dvo\xf8\xe1k,Plze\xf2\nP\xf8\xedjmen\xed \xe8esk\xe9,\xc8esk\xe9 Bud\xecjovice\n',
      'latin1',
    );
    expect(sniff(czech)).toMatch(/^415: The file is not UTF-8 and its charset could not be told.*charset=.*windows-1252/);
    // Turkish in ISO-8859-9: ş ğ ı are bytes windows-1252 reads as Icelandic letters, which it never concludes from.
    expect(sniff(Buffer.from('ad\nAy\xfee Da\xf0l\xfd\n', 'latin1'))).toMatch(/^415/);
    // UTF-16 without a BOM, or a binary file.
    expect(sniff(Buffer.from('name\nAda\n', 'utf16le'))).toMatch(/^415: The file holds NUL bytes/);
  });
});
