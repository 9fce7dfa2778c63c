import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  InvalidRowError,
  mergeByField,
  retryOnConflict,
  type ImportOptions,
  type RowFieldError,
  type RowImporter,
  type RowOutcome,
} from '@crm/csv';
import { newId } from '@crm/eventsourcing';
import { InjectRepository, ReadModels, type RepositoryOf } from '@crm/service-kit';
import { companyAggregate, normalizeDomain } from '../../domain/company';
import { ContactAlreadyExists, ContactErasedError } from '../../domain/contact';
import { normalizeEmail } from '../../domain/contact-values';
import { CUSTOM_FIELDS_CATALOG_ID, customFieldsAggregate } from '../../domain/custom-fields';
import { CreateContact } from '../commands/create-contact';
import { LinkToCompany } from '../commands/link-to-company';
import { RecordConsent } from '../commands/record-consent';
import { UpdateContact } from '../commands/update-contact';
import { ContactLookup } from '../contact-lookup';
import { contactListProjection } from '../read-models/contact-list';
import { companyWithDomain } from './company-row-importer';
import { consentsToRecord, consentTimeErrors } from './contact-consents';
import { contactWrite, readContactRow, rowEmails, type ContactRow, type CustomFieldDeclarations } from './contact-rows';
import { companyIdFor, contactIdFor } from './external-ids';
import type { ContactValues } from './import-columns';

/**
 * Writes contacts rows with the commands the API sends. A row finds its contact by `contactId`, else by the id
 * its `externalId` stands for, else by e-mail: among the rows of this job first, then in the contact list
 * (eventually consistent: a contact created a moment ago may not be listed yet). Found: updated; else created.
 * Custom cells are read by the types of the catalog as it was when the job's first row with one came.
 * Consent is recorded last, as `POST /v1/contacts/{id}/consents` records it, leaving out statements equal to
 * the contact's current state. One per job (made by the import queue).
 */
@Injectable()
export class ContactRowImporter implements RowImporter<keyof ContactValues> {
  /** E-mail addresses this job has written, and to which contact: duplicates within one file merge. */
  private readonly contactByEmail = new Map<string, string>();
  /** The custom field catalog, read once per job (by the first row that needs it). */
  private declarations?: Promise<CustomFieldDeclarations>;
  private readonly now = () => new Date().toISOString();
  private options: ImportOptions = {};

  constructor(
    private readonly commands: CommandBus,
    private readonly lookup: ContactLookup,
    @InjectRepository(companyAggregate) private readonly companies: RepositoryOf<typeof companyAggregate>,
    @InjectRepository(customFieldsAggregate) private readonly customFields: RepositoryOf<typeof customFieldsAggregate>,
    private readonly readModels: ReadModels,
  ) {}

  configure(options: ImportOptions): void {
    this.options = options;
  }

  keysOf(values: ContactValues): string[] {
    return [
      ...(values.contactId ? [`id:${values.contactId.toLowerCase()}`] : []),
      ...(values.externalId ? [`external:${values.externalId}`] : []),
      ...[values.email, ...(values.otherEmails ?? '').split(';')]
        .filter((email): email is string => !!email?.trim())
        .map((email) => `email:${normalizeEmail(email)}`),
    ];
  }

  async importRow(values: ContactValues): Promise<RowOutcome> {
    const read = readContactRow(values);
    const row = read.ok ? read.value : read.partial;
    const declarations = Object.keys(row.customFields).length > 0 ? await this.catalog() : new Map();
    const { links, missing } = await this.companyLinks(row);
    const refused = [
      ...(read.ok ? [] : read.errors),
      // Before anything is written: the domain would refuse the statement only after the contact was.
      ...consentTimeErrors(row.consent, this.now()),
      ...missing,
    ];
    if (refused.length > 0) {
      // Every bad field at once: what the write would refuse too, checked against the contact the row is for
      // (unless its contactId is unreadable: which contact that is cannot be told).
      const unknownContact = refused.some((error) => error.field === 'contactId');
      throw new InvalidRowError(mergeByField([...refused, ...(unknownContact ? [] : await this.writeErrors(row, declarations))]));
    }
    // Created by someone else since it was looked up: the retry finds it and updates it.
    return retryOnConflict(
      () => this.write(row, declarations, links),
      (error) => error instanceof ContactAlreadyExists,
    );
  }

  /** The contact a row is for: by `contactId`, else its `externalId`'s, else by e-mail; found or not. */
  private async target(row: ContactRow) {
    const wanted = row.contactId ?? (row.externalId !== undefined ? contactIdFor(row.externalId) : await this.findByEmail(row));
    const found = wanted ? await this.lookup.resolve(wanted) : undefined;
    const existing = found?.state.status === 'active' || found?.state.status === 'archived' ? found.state : undefined;
    return { wanted, found, existing };
  }

  /** What writing the row would refuse (none for an erased contact: that refusal comes once the row is fixed). */
  private async writeErrors(row: ContactRow, declarations: CustomFieldDeclarations): Promise<RowFieldError[]> {
    const { found, existing } = await this.target(row);
    if (found?.state.status === 'erased') return [];
    const write = contactWrite(row, existing?.profile, this.now().slice(0, 10), declarations, this.options);
    return write.ok ? [] : write.errors;
  }

  private catalog(): Promise<CustomFieldDeclarations> {
    // A failed read is kept: the store out of reach stops the job (a 5xx) as it would at any other row.
    this.declarations ??= this.customFields.load(CUSTOM_FIELDS_CATALOG_ID).then(({ state }) => state.fields);
    return this.declarations;
  }

  private async write(
    row: ContactRow,
    declarations: CustomFieldDeclarations,
    links: Map<string, string | undefined>,
  ): Promise<RowOutcome> {
    const now = this.now();
    const { wanted, found, existing } = await this.target(row);
    if (found?.state.status === 'erased') throw new ContactErasedError(found.contactId);

    const write = contactWrite(row, existing?.profile, now.slice(0, 10), declarations, this.options);
    if (!write.ok) throw new InvalidRowError(write.errors);
    const contactId = found?.contactId ?? wanted ?? newId();
    // What each command wrote shows in the revision: one that changed nothing leaves it as it was.
    let revision =
      write.value.action === 'create'
        ? (await this.commands.execute(new CreateContact(contactId, write.value.input, now))).revision
        : (await this.commands.execute(new UpdateContact(contactId, write.value.input, [], now, found!.revision))).revision;
    for (const [companyId, role] of links) {
      const link = existing?.companies[companyId];
      // A link without a role keeps the role the contact has there.
      if (link && (role === undefined || link.role === role)) continue;
      revision = (await this.commands.execute(new LinkToCompany(contactId, companyId, role ?? link?.role, now))).revision;
    }
    for (const statement of consentsToRecord(row.consent, existing?.consents ?? {}, now)) {
      revision = (await this.commands.execute(new RecordConsent(contactId, statement, now))).revision;
    }
    const changed = revision !== found?.revision;
    for (const email of rowEmails(row)) this.contactByEmail.set(email, contactId);
    return write.value.action === 'create' ? 'created' : changed ? 'updated' : 'unchanged';
  }

  private async findByEmail(row: ContactRow): Promise<string | undefined> {
    const emails = rowEmails(row);
    if (emails.length === 0) return undefined;
    for (const email of emails) {
      const seen = this.contactByEmail.get(email);
      if (seen) return seen;
    }
    const [oldest] = await this.readModels
      .of(contactListProjection)
      .find({ emails: { $in: emails }, mergedInto: { $exists: false } }, { projection: { contactId: 1 } })
      .sort({ createdAt: 1 })
      .limit(1)
      .toArray();
    return oldest?.contactId;
  }

  /** The companies the row links to (id → role), each checked to exist before the contact is written. */
  private async companyLinks(row: ContactRow): Promise<{ links: Map<string, string | undefined>; missing: RowFieldError[] }> {
    const links = new Map<string, string | undefined>(row.companyIds.map((id) => [id, undefined]));
    const missing: RowFieldError[] = [];
    for (const id of row.companyIds) {
      if ((await this.companies.load(id)).state.status === 'none')
        missing.push({ field: 'companyIds', messages: [`no company ${id}`] });
    }
    if (row.company) {
      const { domain, externalId, role } = row.company;
      const companyId =
        externalId !== undefined
          ? companyIdFor(externalId)
          : await companyWithDomain(this.readModels, [normalizeDomain(domain!)]);
      const exists = companyId !== undefined && (await this.companies.load(companyId)).state.status !== 'none';
      if (exists) links.set(companyId, role);
      else
        missing.push(
          externalId !== undefined
            ? { field: 'companyExternalId', messages: ['no company was imported with this external id'] }
            : { field: 'companyDomain', messages: ['no company has this domain (import the companies first)'] },
        );
    }
    return { links, missing };
  }
}
