import { analyse } from 'chardet';
import { Transform } from 'node:stream';
import { UnsupportedMediaTypeError } from '@crm/platform';
import { InvalidCsvError } from './problems';

/** The charsets a user is told to declare when a file's own cannot be told. */
export const DECLARABLE_CHARSETS = ['utf-8', 'windows-1252', 'iso-8859-1', 'utf-16le', 'utf-16be'] as const;

const declareHint = `Save it as "CSV UTF-8", or declare its charset in the Content-Type (text/csv; charset=...: ${DECLARABLE_CHARSETS.join(', ')}).`;

/**
 * A charset label as the WHATWG Encoding Standard names it (`latin1` and `iso-8859-1` are windows-1252, as browsers
 * read them), or a 415 naming the label when no decoder reads it.
 */
export function encodingOf(label: string): string {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    throw new UnsupportedMediaTypeError(`The charset "${label}" is not supported. ${declareHint}`);
  }
}

/** The encoding a byte order mark at the start of a file tells, if any. */
export function bomEncoding(start: Buffer): 'utf-8' | 'utf-16le' | 'utf-16be' | undefined {
  if (start[0] === 0xef && start[1] === 0xbb && start[2] === 0xbf) return 'utf-8';
  if (start[0] === 0xff && start[1] === 0xfe) return 'utf-16le';
  if (start[0] === 0xfe && start[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** Turns chunks of a file into UTF-8 as they come; `undefined` at the end. */
export type ChunkDecoder = (chunk: Buffer | undefined) => Buffer;

/**
 * Text in `encoding` as UTF-8 without a BOM, chunk by chunk. Bytes the encoding cannot hold refuse the file instead of
 * importing replacement characters.
 */
export function utf8From(encoding: string): ChunkDecoder {
  const decoder = new TextDecoder(encoding, { fatal: true });
  return (chunk) => {
    try {
      return Buffer.from(chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode(), 'utf8');
    } catch {
      throw new InvalidCsvError(`The file is not ${encoding} text. ${declareHint}`);
    }
  };
}

/** A stream of `decode`'s output, the decoder chosen from the stream's first bytes (a BOM is at most 3). */
export function decodingStream(choose: (start: Buffer) => ChunkDecoder): Transform {
  let head = Buffer.alloc(0);
  let decode: ChunkDecoder | undefined;
  const run = (step: () => Buffer, done: (error: Error | null, data?: Buffer) => void) => {
    try {
      done(null, step());
    } catch (error) {
      done(error as Error);
    }
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (decode) return run(() => decode!(chunk), done);
      head = Buffer.concat([head, chunk]);
      if (head.length < 3) return done();
      run(() => (decode = choose(head))(head), done);
    },
    flush(done) {
      run(() => (decode ? decode(undefined) : Buffer.concat([(decode = choose(head))(head), decode(undefined)])), done);
    },
  });
}

/**
 * Bytes 0x80–0xFF that windows-1252 reads as letters or marks of Western European text (accented Latin letters,
 * typographic quotes and dashes, €, nbsp). Left out: the Icelandic ð þ ý and their capitals, which other legacy
 * charsets (ISO-8859-9's ğ ş ı, ISO-8859-2's ý ř...) fill with their own letters, × ÷, and the symbols that would
 * rather mean a letter of another charset.
 */
const WESTERN_HIGH_BYTES = new Set<number>([
  0x80,
  0x84,
  0x85,
  0x8a,
  0x8c,
  0x8e,
  0x91,
  0x92,
  0x93,
  0x94,
  0x96,
  0x97,
  0x9a,
  0x9c,
  0x9e,
  0x9f,
  0xa0,
  0xab,
  0xb0,
  0xbb,
  ...range(0xc0, 0xff).filter((byte) => ![0xd0, 0xd7, 0xdd, 0xde, 0xf0, 0xf7, 0xfd, 0xfe].includes(byte)),
]);

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** How much text around the file's non-ASCII bytes chardet judges: enough for its letter statistics. */
const SAMPLE_BYTES = 64 * 1024;
const SAMPLE_CONTEXT = 24;
/** How far chardet's windows-1252 / ISO-8859-1 guess must lead the next one (in its points of 100) to be trusted. */
const CHARDET_LEAD = 10;

/**
 * Watches a file that declares no charset and has no BOM as it streams, and then says whether it is UTF-8, or
 * windows-1252 as Excel's "CSV (Comma delimited)" and older CRMs save it on Western European Windows, or cannot be
 * told. windows-1252 is only concluded when every non-ASCII byte is a Western letter or mark (WESTERN_HIGH_BYTES)
 * and chardet's letter statistics agree clearly; anything else (Central European, Cyrillic, Asian charsets, UTF-16
 * without a BOM, binary) must be declared.
 */
export class CharsetSniffer {
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private validUtf8 = true;
  private hasNul = false;
  private onlyWestern = true;
  private readonly sample: Buffer[] = [];
  private sampled = 0;

  add(chunk: Buffer): void {
    if (this.validUtf8) {
      try {
        this.utf8.decode(chunk, { stream: true });
      } catch {
        this.validUtf8 = false;
      }
    }
    if (chunk.includes(0)) this.hasNul = true;
    let sampledUpTo = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte < 0x80) continue;
      if (!WESTERN_HIGH_BYTES.has(byte)) this.onlyWestern = false;
      if (this.sampled < SAMPLE_BYTES && i >= sampledUpTo) {
        const from = Math.max(i - SAMPLE_CONTEXT, sampledUpTo);
        sampledUpTo = Math.min(i + SAMPLE_CONTEXT, chunk.length);
        const piece = chunk.subarray(from, sampledUpTo);
        this.sample.push(Buffer.from(piece));
        this.sampled += piece.length;
      }
    }
  }

  /** The file's encoding once every byte was added; a 415 saying which charsets to declare when it cannot be told. */
  verdict(): 'utf-8' | 'windows-1252' {
    if (this.hasNul) {
      throw new UnsupportedMediaTypeError(
        `The file holds NUL bytes: it is not text, or UTF-16 without a byte order mark. ${declareHint}`,
      );
    }
    if (this.validUtf8) {
      try {
        this.utf8.decode();
        return 'utf-8';
      } catch {
        // cut in the middle of a character: not UTF-8
      }
    }
    if (this.onlyWestern && chardetSaysWestern(Buffer.concat(this.sample))) return 'windows-1252';
    throw new UnsupportedMediaTypeError(`The file is not UTF-8 and its charset could not be told. ${declareHint}`);
  }
}

function chardetSaysWestern(sample: Buffer): boolean {
  const [best, next] = analyse(sample);
  if (!best || !['ISO-8859-1', 'windows-1252'].includes(best.name)) return false;
  return best.confidence - (next?.confidence ?? 0) >= CHARDET_LEAD;
}
