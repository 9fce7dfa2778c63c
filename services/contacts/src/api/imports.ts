import { importSettingsOf } from '@crm/csv';
import { csvImports, type ImportsOptions } from '@crm/csv/nest';
import { SERVICE_CONFIG, SERVICE_SETTINGS, type ServiceConfig, type ServiceSettings } from '@crm/service-kit';
import { CompanyRowImporter } from '../application/imports/company-row-importer';
import { ContactRowImporter } from '../application/imports/contact-row-importer';
import { contactImportKinds } from '../application/imports/import-columns';
import { contactImportPresets } from '../application/imports/import-presets';

/** Bulk writes and reads of personal data: the roles that own contact lists (docs/import-export.md). */
export const IMPORTERS = ['admin', 'sales', 'marketing'] as const;

/** CSV imports of contacts and companies (`POST /v1/imports`...), each row written through the service's commands. */
export const contactImports = csvImports({
  kinds: contactImportKinds,
  presets: contactImportPresets,
  importers: { contacts: ContactRowImporter, companies: CompanyRowImporter },
  roles: IMPORTERS,
  options: {
    inject: [SERVICE_CONFIG, SERVICE_SETTINGS],
    useFactory: (config: ServiceConfig, settings: ServiceSettings): ImportsOptions => ({
      databaseUrl: config.DATABASE_URL!,
      schema: settings.schema,
      settings: importSettingsOf('CONTACTS', config),
    }),
  },
});
