// `npm run import -- people.csv [--kind companies] [--preset hubspot] [--map "Work Email=email"]`: uploads a CSV to the contacts
// service's POST /v1/imports and follows the job with a progress bar (docs/import-export.md).
import { runImportCli } from '@crm/csv/cli';
import { contactImportKinds } from '../application/imports/import-columns';
import { contactImportPresets } from '../application/imports/import-presets';

void runImportCli({
  kinds: contactImportKinds.names,
  presets: contactImportPresets.names,
  urlVariable: 'CONTACTS_URL',
  defaultUrl: 'http://127.0.0.1:3001',
});
