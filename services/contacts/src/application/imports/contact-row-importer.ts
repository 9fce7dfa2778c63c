import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  countryCodeOf,
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
import { contactExternalIdAggregate, ExternalIdTaken } from '../../domain/contact-external-id';
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
import { dedupe, emailKeys, NOT_MERGED, phoneKeys, type NamedContact } from './contact-dedupe';
import { ContactKeyIndex } from './contact-key-index';
import { contactWrite, readContactRow, type ContactRow, type CustomFieldDeclarations } from './contact-rows';
import { companyIdFor, contactIdFor } from './external-ids';
import type { ContactValues } from './import-columns';

/**
 * Writes contacts rows with the commands the API sends. A row finds its contact by the dedupe table (`dedupe`):
 * `contactId`, else the contact its `externalId` stands for, else by e-mail, else by phone, the last two in the
 * contact list as the job read it (ContactKeyIndex: at its start, then every half minute) and what it wrote. Found: updated;
 * else created; keys pointing at two contacts: a bad row.
 * Custom cells are read by the types of the catalog as it was when the job's first row with one came.
 * Consent is recorded last, as `POST /v1/contacts/{id}/consents` records it, leaving out statements equal to
 * the contact's current state. One per job (made by the import queue).
 */
@Injectable()
export class ContactRowImporter implements RowImporter<keyof ContactValues> {
  /** Who holds each e-mail address and number (the list at the job's first lookup, and the job's writes since). */
  private keyIndex?: Promise<ContactKeyIndex>;
  /** The custom field catalog, read once per job (by the first row that needs it). */
  private declarations?: Promise<CustomFieldDeclarations>;
  private readonly now = () => new Date().toISOString();
  private options: ImportOptions = {};

  constructor(
    private readonly commands: CommandBus,
    private readonly lookup: ContactLookup,
    @InjectRepository(companyAggregate) private readonly companies: RepositoryOf<typeof companyAggregate>,
    @InjectRepository(customFieldsAggregate) private readonly customFields: RepositoryOf<typeof customFieldsAggregate>,
    @InjectRepository(contactExternalIdAggregate)
    private readonly externalIds: RepositoryOf<typeof contactExternalIdAggregate>,
    private readonly readModels: ReadModels,
  ) {}

  configure(options: ImportOptions): void {
    this.options = options;
  }

  keysOf(values: ContactValues): string[] {
    const country = (values.country && countryCodeOf(values.country)) || this.options.defaultCountry;
    return [
      ...(values.contactId ? [`id:${values.contactId.toLowerCase()}`] : []),
      ...(values.externalId ? [`external:${values.externalId}`] : []),
      ...[values.email, ...(values.otherEmails ?? '').split(';')]
        .filter((email): email is string => !!email?.trim())
        .map((email) => `email:${normalizeEmail(email)}`),
      ...phoneKeys(values.phone, (values.otherPhones ?? '').split(';'), country).map(({ value }) => `phone:${value}`),
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

  /**
   * The contact a row is for (the dedupe table, `dedupe`), found or not; `conflict` when its keys point at two.
   * `wanted` is the id a new contact gets: the row's `contactId`, else its `externalId`'s.
   */
  private async target(row: ContactRow) {
    const [byContactId, byExternalId, index] = await Promise.all([
      row.contactId !== undefined ? this.named(row.contactId) : undefined,
      row.externalId !== undefined ? this.namedByExternalId(row.externalId) : undefined,
      this.index(),
    ]);
    const keys = {
      contactId: row.contactId,
      emails: emailKeys(row.email, row.otherEmails),
      phones: phoneKeys(row.phone, row.otherPhones, row.profile.country ?? this.options.defaultCountry),
    };
    const outcome = dedupe(keys, {
      byContactId: byContactId?.contact,
      byExternalId: byExternalId?.contact,
      emailOwner: index.emailOwner,
      phoneOwner: index.phoneOwner,
    });
    const conflict = outcome.by === 'conflict' ? outcome.errors : undefined;
    const wanted = row.contactId ?? (row.externalId !== undefined ? contactIdFor(row.externalId) : undefined);
    const found =
      outcome.by === 'contactId'
        ? byContactId!.found
        : outcome.by === 'externalId'
          ? byExternalId!.found
          : outcome.by === 'email' || outcome.by === 'phone'
            ? await this.lookup.resolve(outcome.contactId)
            : undefined;
    const existing = found?.state.status === 'active' || found?.state.status === 'archived' ? found.state : undefined;
    // Found by e-mail or phone: the external id is recorded as standing for that contact, for the next import.
    const externalIdToRecord = (outcome.by === 'email' || outcome.by === 'phone') && row.externalId;
    return { wanted, found, existing, conflict, keys, externalIdToRecord };
  }

  /** The contact an external id stands for: the one recorded for it, else the one whose id derives from it. */
  private async namedByExternalId(externalId: string) {
    const externalKey = contactIdFor(externalId);
    const { state } = await this.externalIds.load(externalKey);
    return this.named(state.contactId ?? externalKey);
  }

  private async recordExternalId(externalId: string, contactId: string, now: string): Promise<void> {
    const externalKey = contactIdFor(externalId);
    try {
      await this.externalIds.handle(externalKey, { type: 'RecordContactExternalId', data: { externalKey, contactId, now } });
    } catch (error) {
      // Recorded for another contact meanwhile (another import): the row's keys now point at two contacts.
      if (!(error instanceof ExternalIdTaken)) throw error;
      throw new InvalidRowError([
        {
          field: 'externalId',
          messages: [`names contact ${error.contactId}, the e-mail or phone contact ${contactId}: ${NOT_MERGED}`],
        },
      ]);
    }
  }

  /** The contact an id stands for now (through merges), if there is one. */
  private async named(contactId: string) {
    const found = await this.lookup.resolve(contactId);
    const { state } = found;
    if (state.status === 'none') return undefined;
    const contact: NamedContact = {
      contactId: found.contactId,
      emails: state.status === 'erased' ? [] : state.profile.emails.map((email) => email.address),
      phones: state.status === 'erased' ? [] : state.profile.phones.map((phone) => phone.number),
    };
    return { found, contact };
  }

  private async index(): Promise<ContactKeyIndex> {
    // A failed first read is kept: the list out of reach stops the job (a 5xx) as it would at any other row.
    this.keyIndex ??= ContactKeyIndex.load(this.readModels.of(contactListProjection));
    const index = await this.keyIndex;
    index.refresh();
    return index;
  }

  /** What writing the row would refuse (none for an erased contact: that refusal comes once the row is fixed). */
  private async writeErrors(row: ContactRow, declarations: CustomFieldDeclarations): Promise<RowFieldError[]> {
    const { found, existing, conflict } = await this.target(row);
    if (conflict) return conflict;
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
    const { wanted, found, existing, conflict, keys, externalIdToRecord } = await this.target(row);
    if (conflict) throw new InvalidRowError(conflict);
    if (found?.state.status === 'erased') throw new ContactErasedError(found.contactId);

    const write = contactWrite(row, existing?.profile, now.slice(0, 10), declarations, this.options);
    if (!write.ok) throw new InvalidRowError(write.errors);
    const contactId = found?.contactId ?? wanted ?? newId();
    if (externalIdToRecord) await this.recordExternalId(externalIdToRecord, contactId, now);
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
    (await this.index()).remember(
      contactId,
      keys.emails.map(({ value }) => value),
      keys.phones.map(({ value }) => value),
    );
    return write.value.action === 'create' ? 'created' : changed ? 'updated' : 'unchanged';
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
