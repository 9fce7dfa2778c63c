import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SEALED_VALUE_PREFIX } from '@crm/contracts';

/**
 * AES-256-GCM for personal data. A sealed value is a string, `pii:v1:` + base64url(iv | tag | ciphertext)
 * of the value's JSON, bound to its subject (the customer id is the additional authenticated data), so a
 * value copied into another person's event does not open with that person's key.
 */
// The contracts describe sealed values on the wire (wireSchema): one prefix for both.
const PREFIX = SEALED_VALUE_PREFIX;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

/**
 * Random bytes drawn from the system a block at a time and handed out in slices: one `randomBytes` call per 341 IVs
 * instead of one per IV. Each block is a new buffer and the offset only moves forward, so no byte is handed out twice
 * (an IV reused under one GCM key would reveal both plaintexts and the authentication key).
 */
export class RandomBlocks {
  private block: Buffer = Buffer.alloc(0);
  private offset = 0;

  constructor(
    private readonly blockBytes = 4096,
    private readonly draw: (size: number) => Buffer = randomBytes,
  ) {}

  take(size: number): Buffer {
    if (size > this.blockBytes) return this.draw(size);
    if (this.offset + size > this.block.length) {
      this.block = this.draw(this.blockBytes);
      this.offset = 0;
    }
    const slice = this.block.subarray(this.offset, this.offset + size);
    this.offset += size;
    return slice;
  }
}

const ivs = new RandomBlocks();

export class PersonalDataCipherError extends Error {
  override readonly name = 'PersonalDataCipherError';
}

export const newDataKey = (): Buffer => randomBytes(KEY_BYTES);

export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(PREFIX);
}

export function sealValue(key: Buffer, subjectId: string, value: unknown): string {
  return PREFIX + encrypt(key, Buffer.from(subjectId, 'utf8'), Buffer.from(JSON.stringify(value), 'utf8')).toString('base64url');
}

export function openValue(key: Buffer, subjectId: string, sealed: string): unknown {
  if (!isSealed(sealed)) throw new PersonalDataCipherError('Not a sealed value');
  const plain = decrypt(key, Buffer.from(subjectId, 'utf8'), Buffer.from(sealed.slice(PREFIX.length), 'base64url'));
  return JSON.parse(plain.toString('utf8'));
}

/** iv | tag | ciphertext */
export function encrypt(key: Buffer, aad: Buffer, plain: Buffer): Buffer {
  assertKey(key);
  const iv = ivs.take(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function decrypt(key: Buffer, aad: Buffer, sealed: Buffer): Buffer {
  assertKey(key);
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new PersonalDataCipherError('Sealed value too short');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new PersonalDataCipherError('Sealed value does not open with this key and subject');
  }
}

function assertKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new PersonalDataCipherError(`A key has ${KEY_BYTES} bytes, not ${key.length}`);
}

/** The master key (key-encryption key) from its configured form: 32 bytes in base64. */
export function parseMasterKey(base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== KEY_BYTES) throw new PersonalDataCipherError(`The master key must be ${KEY_BYTES} bytes in base64`);
  return key;
}
