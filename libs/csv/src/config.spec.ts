import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@crm/platform';
import { importConfigSpec, importSettingsOf } from './config';

describe('import configuration', () => {
  it('reads <PREFIX>_IMPORT_* with defaults, files waiting under the temp directory in the service’s folder', () => {
    const spec = importConfigSpec('CUSTOMER_SUCCESS');
    expect(Object.keys(spec)).toEqual([
      'CUSTOMER_SUCCESS_IMPORT_MAX_BYTES',
      'CUSTOMER_SUCCESS_IMPORT_MAX_ROWS',
      'CUSTOMER_SUCCESS_IMPORT_CONCURRENCY',
      'CUSTOMER_SUCCESS_IMPORT_SPOOL_DIR',
      'CUSTOMER_SUCCESS_IMPORT_OWNERS',
    ]);
    expect(importSettingsOf('CUSTOMER_SUCCESS', loadConfig(spec, {}))).toEqual({
      maxBytes: 50 * 1024 * 1024,
      maxRows: 100_000,
      concurrency: 4,
      spoolDir: join(tmpdir(), 'crm-customer-success-imports'),
      owners: new Map(),
    });
  });

  it('takes what the environment says, and refuses what it cannot use', () => {
    const spec = importConfigSpec('CONTACTS');
    const config = loadConfig(spec, { CONTACTS_IMPORT_MAX_BYTES: '1mb', CONTACTS_IMPORT_SPOOL_DIR: '/var/spool/crm' });
    expect(importSettingsOf('CONTACTS', config)).toMatchObject({ maxBytes: 1024 * 1024, spoolDir: '/var/spool/crm' });
    expect(() => loadConfig(spec, { CONTACTS_IMPORT_CONCURRENCY: '64' })).toThrow(/CONTACTS_IMPORT_CONCURRENCY/);
  });

  it('reads the owners directory: e-mails and names, in any case, to user ids', () => {
    const spec = importConfigSpec('CONTACTS');
    const [ann, bob] = ['0192a8f0-0000-7000-8000-00000000000a', '0192a8f0-0000-7000-8000-00000000000b'];
    const config = loadConfig(spec, { CONTACTS_IMPORT_OWNERS: `Ann@Example.com=${ann.toUpperCase()}; Bob Ray = ${bob};` });
    expect(importSettingsOf('CONTACTS', config).owners).toEqual(
      new Map([
        ['ann@example.com', ann],
        ['bob ray', bob],
      ]),
    );
    expect(() => loadConfig(spec, { CONTACTS_IMPORT_OWNERS: 'ann@example.com' })).toThrow(/CONTACTS_IMPORT_OWNERS/);
    expect(() => loadConfig(spec, { CONTACTS_IMPORT_OWNERS: 'ann@example.com=ann' })).toThrow(/CONTACTS_IMPORT_OWNERS/);
  });
});
