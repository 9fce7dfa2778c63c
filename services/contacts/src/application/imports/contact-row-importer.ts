import { Injectable } from '@nestjs/common';
import type { CompanyProfile } from '@crm/contracts';
import { CommandBus } from '@nestjs/cqrs';
import {
  countryCodeOf,
  importSkippingInvalidCells,
  InvalidRowError,
  mergeByField,
  readDateCells,
  retryOnConflict,
  type ImportedRow,
  type ImportOptions,
  type RowFieldError,
  type RowImporter,
  type RowOutcome,
  type RowPlan,
} from '@crm/csv';
import { newId } from '@crm/eventsourcing';
import { InjectRepository, ReadModels, type RepositoryOf } from '@crm/service-kit';
import { CompanyAlreadyExists, companyAggregate } from '../../domain/company';
import { companyNameKey } from '../../domain/company-names';
import { ContactAlreadyExists, contactDecider, ContactErasedError, type Contact } from '../../domain/contact';
import { contactExternalIdAggregate, ExternalIdTaken } from '../../domain/contact-external-id';
import { normalizeEmail, normalizeProfile } from '../../domain/contact-values';
import { CUSTOM_FIELDS_CATALOG_ID, customFieldsAggregate } from '../../domain/custom-fields';
import { CreateCompany } from '../commands/companies';
import { CreateContact } from '../commands/create-contact';
import { LinkToCompany, linkToCompanyCommand } from '../commands/link-to-company';
import { RecordConsent, recordConsentCommand, type ConsentStatement } from '../commands/record-consent';
import { UpdateContact, updateContactCommand } from '../commands/update-contact';
import { ContactLookup } from '../contact-lookup';
import { contactListProjection } from '../read-models/contact-list';
import { companyWithDomain, companyWithName } from './company-row-importer';
import { companyWrite, domainOfCell } from './company-rows';
import { consentsToRecord, consentTimeErrors } from './contact-consents';
import { dedupe, emailKeys, NOT_MERGED, phoneKeys, type DedupeKeys, type NamedContact, type PersonName } from './contact-dedupe';
import { ContactKeyIndex } from './contact-key-index';
import {
  contactDateFields,
  contactWrite,
  readContactRow,
  resolveOwner,
  type ContactRow,
  type ContactWrite,
  type CustomFieldDeclarations,
} from './contact-rows';
import { companyIdFor, contactIdFor } from './external-ids';
import { isCustomFieldColumn, type ContactField, type ContactValues } from './import-columns';
import { phoneCountryWarnings } from './phone-countries';

/** Never left out of a row for `onInvalidCell=skip`: they say which contact the row is for. */
const NEVER_SKIPPED: readonly ContactField[] = ['contactId', 'externalId'];

/**
 * Writes contacts rows with the commands the API sends. A row finds its contact by the dedupe table (`dedupe`):
 * `contactId`, else the contact its `externalId` stands for, else by e-mail, else by phone, the last two in the
 * contact list as the job read it (ContactKeyIndex: at its start, then every half minute) and what it wrote. Found: updated;
 * else created; keys pointing at two contacts: a bad row.
 * Custom cells are read by the types of the catalog as it was when the job's first row with one came.
 * Consent is recorded last, as `POST /v1/contacts/{id}/consents` records it, leaving out statements equal to
 * the contact's current state. With `onInvalidCell=skip`, a row refused for some of its cells is imported again without
 * them, each reported as a warning. One per job (made by the import queue).
 */
@Injectable()
export class ContactRowImporter implements RowImporter<keyof ContactValues> {
  /** Who holds each e-mail address and number (the list at the job's first lookup, and the job's writes since). */
  private keyIndex?: Promise<ContactKeyIndex>;
  /** Companies this job linked by name (companyNameKey), created or found: one company per name in a file. */
  private readonly companyByName = new Map<string, string>();
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
      // Rows that may create one company, one after the other; once the job knows the company, in parallel again.
      ...(values.companyName && !this.companyByName.has(companyNameKey(values.companyName))
        ? [`company:${companyNameKey(values.companyName)}`]
        : []),
    ];
  }

  async importRow(values: ContactValues): Promise<RowOutcome | ImportedRow> {
    return this.eachRow(values, ({ row, declarations, links, newCompany }) =>
      // Created by someone else since it was looked up: the retry finds it and updates it.
      retryOnConflict(
        () => this.write(row, declarations, links, newCompany),
        (error) => error instanceof ContactAlreadyExists,
      ),
    );
  }

  async planRow(values: ContactValues): Promise<RowPlan> {
    let targetId: string | undefined;
    const planned = await this.eachRow(values, async ({ row, declarations, links }) => {
      const plan = await this.plan(row, declarations, links);
      targetId = plan.write.action === 'create' ? undefined : plan.contactId;
      return plan.outcome;
    });
    const { outcome, warnings } = typeof planned === 'string' ? { outcome: planned, warnings: [] } : planned;
    return { outcome, ...(targetId && { targetId }), ...(warnings.length > 0 && { warnings }) };
  }

  /**
   * A row as the import takes it: its owner resolved, its cells checked and `finish`ed (written, or planned), with
   * `onInvalidCell=skip` again without the cells refused; with the warnings of each step.
   */
  private async eachRow(
    values: ContactValues,
    finish: (checked: CheckedRow) => Promise<RowOutcome>,
  ): Promise<RowOutcome | ImportedRow> {
    const owned = resolveOwner(values, this.options.owners);
    const importCells = async (cells: ContactValues) => finish(await this.checked(cells));
    const imported =
      this.options.onInvalidCell === 'skip'
        ? await importSkippingInvalidCells(owned.values, importCells, NEVER_SKIPPED)
        : { outcome: await importCells(owned.values), warnings: [] };
    // Of the phone cells written: one left out (skip) has its warning already.
    const skipped = new Set(imported.warnings.map(({ field }) => field));
    const doubts = phoneCountryWarnings(owned.values, this.options).filter(({ field }) => !skipped.has(field));
    const warnings = [...owned.warnings, ...imported.warnings, ...doubts];
    return warnings.length > 0 ? { outcome: imported.outcome, warnings } : imported.outcome;
  }

  /** The row read, its custom field catalog and company links; a bad row throws InvalidRowError naming every bad field. */
  private async checked(cells: ContactValues): Promise<CheckedRow> {
    const declarations = Object.keys(cells).some(isCustomFieldColumn) ? await this.catalog() : new Map();
    const thisYear = new Date(this.now()).getUTCFullYear();
    const dates = readDateCells(cells, contactDateFields(cells, declarations, thisYear), this.options.dateOrders);
    const read = readContactRow(dates.values);
    const row = read.ok ? read.value : read.partial;
    const { links, missing, newCompany } = await this.companyLinks(row);
    const refused = [
      ...dates.errors,
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
    return { row, declarations, links, newCompany };
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
      name: row.name,
      emails: emailKeys(row.email, row.otherEmails),
      phones: phoneKeys(row.phone, row.otherPhones, row.profile.country ?? this.options.defaultCountry),
    };
    // The numbers' holders are read only for a row no id or e-mail address finds: their names decide then.
    const undecided = !byContactId && !byExternalId && keys.emails.every(({ value }) => !index.emailOwner(value));
    const holders = undecided ? await this.namesOfHolders(keys.phones.map(({ value }) => index.phoneOwner(value))) : new Map();
    const outcome = dedupe(keys, {
      byContactId: byContactId?.contact,
      byExternalId: byExternalId?.contact,
      emailOwner: index.emailOwner,
      phoneOwner: index.phoneOwner,
      nameOf: (contactId) => holders.get(contactId),
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

  /** The names of these contacts (through merges), by the ids given. */
  private async namesOfHolders(contactIds: (string | undefined)[]): Promise<Map<string, PersonName>> {
    const names = new Map<string, PersonName>();
    for (const contactId of new Set(contactIds.filter((id) => id !== undefined))) {
      const { state } = await this.lookup.resolve(contactId);
      // A contact without a name (known by e-mail or phone only) has none to tell people apart: unknown.
      if ((state.status === 'active' || state.status === 'archived') && state.profile.name)
        names.set(contactId, state.profile.name);
    }
    return names;
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
    newCompany: NewCompany | undefined,
  ): Promise<RowOutcome> {
    const plan = await this.plan(row, declarations, links);
    // Only for a row that is written: a bad row writes nothing, not even its company.
    if (newCompany) await this.createCompany(newCompany, plan.now);
    return this.apply(plan);
  }

  /**
   * What the row would write, decided on the contact as loaded now: its create or update, the links and consent
   * statements it adds, and whether they change anything (the contact decider run over the loaded state, not appended).
   */
  private async plan(
    row: ContactRow,
    declarations: CustomFieldDeclarations,
    links: Map<string, string | undefined>,
  ): Promise<ContactPlan> {
    const now = this.now();
    const { wanted, found, existing, conflict, keys, externalIdToRecord } = await this.target(row);
    if (conflict) throw new InvalidRowError(conflict);
    if (found?.state.status === 'erased') throw new ContactErasedError(found.contactId);

    const write = contactWrite(row, existing?.profile, now.slice(0, 10), declarations, this.options);
    if (!write.ok) throw new InvalidRowError(write.errors);
    const contactId = found?.contactId ?? wanted ?? newId();
    const newLinks = [...links].flatMap(([companyId, role]): [string, string | undefined][] => {
      const link = existing?.companies[companyId];
      // A link without a role keeps the role the contact has there.
      return link && (role === undefined || link.role === role) ? [] : [[companyId, role ?? link?.role]];
    });
    const consents = consentsToRecord(row.consent, existing?.consents ?? {}, now);
    const plan = {
      now,
      contactId,
      revision: found?.revision,
      write: write.value,
      links: newLinks,
      consents,
      keys,
      ...(externalIdToRecord && { externalIdToRecord }),
    };
    const outcome = write.value.action === 'create' ? 'created' : decidedOutcome(plan, found!.state, declarations);
    return { ...plan, outcome };
  }

  private async apply(plan: ContactPlan): Promise<RowOutcome> {
    const { now, contactId, write, keys } = plan;
    if (plan.externalIdToRecord) await this.recordExternalId(plan.externalIdToRecord, contactId, now);
    // What each command wrote shows in the revision: one that changed nothing leaves it as it was.
    let revision =
      write.action === 'create'
        ? (await this.commands.execute(new CreateContact(contactId, write.input, now))).revision
        : (await this.commands.execute(new UpdateContact(contactId, write.input, [], now, plan.revision))).revision;
    for (const [companyId, role] of plan.links) {
      revision = (await this.commands.execute(new LinkToCompany(contactId, companyId, role, now))).revision;
    }
    for (const statement of plan.consents) {
      revision = (await this.commands.execute(new RecordConsent(contactId, statement, now))).revision;
    }
    (await this.index()).remember(
      contactId,
      keys.emails.map(({ value }) => value),
      keys.phones.map(({ value }) => value),
    );
    return write.action === 'create' ? 'created' : revision !== plan.revision ? 'updated' : 'unchanged';
  }

  /**
   * The companies the row links to (id → role), each checked to exist before the contact is written. The row's company
   * is found by external id, else by domain, else by name (this job's first, then the company list); one that its
   * name names and none has is to be created (`newCompany`, with the id its external id stands for, if it has one).
   */
  private async companyLinks(
    row: ContactRow,
  ): Promise<{ links: Map<string, string | undefined>; missing: RowFieldError[]; newCompany?: NewCompany }> {
    const links = new Map<string, string | undefined>(row.companyIds.map((id) => [id, undefined]));
    const missing: RowFieldError[] = [];
    for (const [index, id] of row.companyIds.entries()) {
      if ((await this.companies.load(id)).state.status === 'none')
        missing.push({ field: 'companyIds', items: [index + 1], messages: [`no company ${id}`] });
    }
    if (!row.company) return { links, missing };
    const { domain, externalId, name, role } = row.company;
    const exists = async (id: string | undefined) => id !== undefined && (await this.companies.load(id)).state.status !== 'none';
    const byId = externalId !== undefined ? companyIdFor(externalId) : undefined;
    const byDomain =
      byId === undefined && domain !== undefined ? await companyWithDomain(this.readModels, [domainOfCell(domain)]) : undefined;
    const byName =
      byId === undefined && byDomain === undefined && name !== undefined
        ? (this.companyByName.get(companyNameKey(name)) ?? (await companyWithName(this.readModels, companyNameKey(name))))
        : undefined;
    const companyId = byId ?? byDomain ?? byName;
    if (await exists(companyId)) {
      links.set(companyId!, role);
      if (name !== undefined) this.companyByName.set(companyNameKey(name), companyId!);
      return { links, missing };
    }
    if (name === undefined) {
      missing.push(
        externalId !== undefined
          ? {
              field: 'companyExternalId',
              messages: [
                'no company was imported with this external id: import the companies first, or give companyName to create it',
              ],
            }
          : {
              field: 'companyDomain',
              messages: ['no company has this domain: import the companies first, or give companyName to create it'],
            },
      );
      return { links, missing };
    }
    const write = companyWrite({ name, domains: domain === undefined ? [] : [domainOfCell(domain)] }, undefined);
    if (!write.ok || write.value.action !== 'create') {
      // The new company's name or domain, as the companies API would refuse it, on the row's column.
      const errors = write.ok ? [] : write.errors;
      missing.push(...errors.map((error) => ({ ...error, field: error.field === 'domains' ? 'companyDomain' : 'companyName' })));
      return { links, missing };
    }
    const newCompany = { companyId: byId ?? newId(), key: companyNameKey(name), profile: write.value.profile };
    links.set(newCompany.companyId, role);
    return { links, missing, newCompany };
  }

  /** Creates a company a row names; one another row created meanwhile (the same external id) is as good. */
  private async createCompany({ companyId, key, profile }: NewCompany, now: string): Promise<void> {
    if (this.companyByName.get(key) === companyId) return;
    try {
      await this.commands.execute(new CreateCompany(companyId, profile, now));
    } catch (error) {
      if (!(error instanceof CompanyAlreadyExists)) throw error;
    }
    this.companyByName.set(key, companyId);
  }
}

/** A row checked: read, with the custom field catalog it was read by and the company links it makes. */
interface CheckedRow {
  row: ContactRow;
  declarations: CustomFieldDeclarations;
  links: Map<string, string | undefined>;
  /** A company the row names that no company has: created when the row is written. */
  newCompany?: NewCompany;
}

/** What a row would write to its contact (see ContactRowImporter.plan). */
interface ContactPlan {
  now: string;
  contactId: string;
  /** The contact's revision as loaded: an update is conditional on it. */
  revision?: number;
  write: ContactWrite;
  links: [companyId: string, role: string | undefined][];
  consents: ConsentStatement[];
  /** The row's keys, which the job's later rows find the contact by. */
  keys: DedupeKeys;
  /** An external id the row's contact was found without (by e-mail or phone): recorded for it before the write. */
  externalIdToRecord?: string;
  outcome: RowOutcome;
}

/** Whether the update, links and consents change the contact: each command's decide run on the state the last left. */
function decidedOutcome(
  plan: Omit<ContactPlan, 'outcome'>,
  loaded: Contact,
  customFields: CustomFieldDeclarations,
): 'updated' | 'unchanged' {
  const { now, contactId, write } = plan;
  // The changes normalized as UpdateContact normalizes them: in the contact's country, by the catalog's types.
  const country = loaded.status === 'active' || loaded.status === 'archived' ? loaded.profile.country : undefined;
  const changes = normalizeProfile(write.input, { country, customFields, today: now.slice(0, 10) });
  const commands = [
    updateContactCommand(contactId, changes, [], now),
    ...plan.links.map(([companyId, role]) => linkToCompanyCommand(contactId, companyId, role, now)),
    ...plan.consents.map((statement) => recordConsentCommand(contactId, statement, now)),
  ];
  let state = loaded;
  let changed = false;
  for (const command of commands) {
    const events = contactDecider.decide(command, state);
    changed ||= events.length > 0;
    state = events.reduce(contactDecider.evolve, state);
  }
  return changed ? 'updated' : 'unchanged';
}

/** A company a contacts row names and no company has: created before the contact is linked to it. */
interface NewCompany {
  companyId: string;
  key: string;
  profile: CompanyProfile;
}
