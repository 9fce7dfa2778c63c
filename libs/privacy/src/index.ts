export { isSealed, newDataKey, openValue, parseMasterKey, PersonalDataCipherError, sealValue } from './cipher';
export { SubjectErasedError, type SubjectKeyStore } from './key-store';
export { InMemorySubjectKeyStore } from './in-memory-key-store';
export { PostgresSubjectKeyStore } from './postgres-key-store';
export { PersonalDataVault, type SealableEvent } from './vault';
export { vaultResponseProtection } from './response-protection';
export { readOnlySubjectKeys, ReadOnlySubjectKeys, ReadOnlySubjectKeysError, waitForSubjectKeys } from './read-only-keys';
