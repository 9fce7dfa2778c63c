import { v5 as uuidv5 } from 'uuid';

/** Ids derived from external ids: a re-import of the same record finds the one it made. */
const EXTERNAL_ID_NAMESPACE = '8d6c2f0a-4b7e-4f3a-9c1d-2e5f7a9b0c3d';
export const contactIdFor = (externalId: string): string => uuidv5(`contact:${externalId}`, EXTERNAL_ID_NAMESPACE);
export const companyIdFor = (externalId: string): string => uuidv5(`company:${externalId}`, EXTERNAL_ID_NAMESPACE);
