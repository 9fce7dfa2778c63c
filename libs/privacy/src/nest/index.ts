export { PERSONAL_DATA_VAULT, PrivacyModule, type PrivacyOptions } from './privacy.module';
