import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { InteractionLoggedData } from '@crm/contracts';
import { newId } from '@crm/eventsourcing';
import { expectedRevisionFrom } from '@crm/platform';
import { Access, ParseIdPipe, Roles } from '@crm/platform/nest';
import type { ListPage } from '@crm/read-api';
import { ApiListQuery } from '@crm/read-api/nest';
import { respond } from '@crm/service-kit';
import { ArchiveContact, UnlinkFromCompany } from '../application/commands/change-contact';
import { CreateContact } from '../application/commands/create-contact';
import { EraseContact } from '../application/commands/erase-contact';
import { LinkToCompany } from '../application/commands/link-to-company';
import { MergeContacts, type MergedContactView } from '../application/commands/merge-contacts';
import { RecordConsent } from '../application/commands/record-consent';
import { UndoMerge } from '../application/commands/undo-merge';
import { UpdateContact } from '../application/commands/update-contact';
import type { ContactView, HistoryEntry } from '../application/contact-view';
import {
  CompanyLinkDto,
  CreateContactDto,
  MergeContactsDto,
  RecordConsentDto,
  UpdateContactDto,
} from '../application/inputs/contact.dto';
import {
  ContactDuplicates,
  ContactInteractions,
  PersonalData,
  type PersonalDataExport,
} from '../application/queries/contact-records';
import { ConsentLedger, ContactHistory, GetContact, ListContacts, type ListedContact } from '../application/queries/contacts';
import { contactInteractionsQuery } from '../application/read-models/contact-interactions';
import { contactListQuery } from '../application/read-models/contact-list';
import type { LikelyDuplicate } from '../domain/duplicates';
import { AsOfQuery } from './as-of.query';

const uuid = new ParseIdPipe();
const now = () => new Date().toISOString();

@ApiTags('contacts')
@ApiBearerAuth()
@Controller('v1/contacts')
export class ContactsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Access('write')
  async create(@Body() body: CreateContactDto, @Res({ passthrough: true }) response: Response): Promise<ContactView> {
    const { contactId = newId(), ...input } = body;
    const written = await this.commands.execute(new CreateContact(contactId, input, now()));
    return respond(response, written, { status: 201, location: `/v1/contacts/${contactId}` });
  }

  /**
   * Lists from the read model (eventually consistent): filters `field=value` or `field[op]=value`, `sort`,
   * `q` search (name, e-mail, phone, or the name or domain of their company), cursor pagination. Merged contacts
   * are left out unless `includeMerged=true`. `position` (a write's Position-Token) waits until the list shows it.
   */
  @Get()
  @Access('read')
  @ApiListQuery(contactListQuery)
  @ApiQuery({
    name: 'includeMerged',
    required: false,
    description: '`true`: also list contacts merged into another',
    schema: { type: 'string', enum: ['true', 'false'] },
  })
  list(@Query() query: Record<string, unknown>): Promise<ListPage<ListedContact>> {
    return this.queries.execute(new ListContacts(query));
  }

  /** The contact now, or as it was at `asOf`; a merged contact's id answers with its survivor. */
  @Get(':id')
  @Access('read')
  async get(
    @Param('id', uuid) id: string,
    @Query() query: AsOfQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ContactView> {
    const found = await this.queries.execute(new GetContact(id, query.asOf ? new Date(query.asOf) : undefined));
    if (found.contactId !== id) response.setHeader('Content-Location', `/v1/contacts/${found.contactId}`);
    return respond(response, found);
  }

  /** Changes the fields given (lists are replaced as a whole); `clear` removes optional fields; `If-Match` makes it conditional. */
  @Patch(':id')
  @Access('write')
  async update(
    @Param('id', uuid) id: string,
    @Body() body: UpdateContactDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ContactView> {
    const { clear = [], ...input } = body;
    return respond(
      response,
      await this.commands.execute(new UpdateContact(id, input, clear, now(), expectedRevisionFrom(ifMatch))),
    );
  }

  @Post(':id/archive')
  @HttpCode(200)
  @Roles('admin', 'sales')
  async archive(
    @Param('id', uuid) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ContactView> {
    return respond(response, await this.commands.execute(new ArchiveContact(id, now(), expectedRevisionFrom(ifMatch))));
  }

  /**
   * Erases the person's personal data (GDPR) by crypto-shredding: their key (and the keys of contacts
   * merged into them) is deleted first, so nothing of theirs can be read from then on, then ContactErased
   * is recorded. Repeating it is harmless.
   */
  @Post(':id/erase')
  @HttpCode(204)
  @Roles('admin')
  erase(@Param('id', uuid) id: string): Promise<void> {
    return this.commands.execute(new EraseContact(id, now()));
  }

  /** Every change: who, when, which fields, old and new values. */
  @Get(':id/history')
  @Access('read')
  async history(@Param('id', uuid) id: string): Promise<{ items: HistoryEntry[] }> {
    return { items: await this.queries.execute(new ContactHistory(id)) };
  }

  /** The contact's interactions (with those of the contacts merged into it), newest first; filters as documented. */
  @Get(':id/interactions')
  @Access('read')
  @ApiListQuery(contactInteractionsQuery)
  interactions(@Param('id', uuid) id: string, @Query() query: Record<string, unknown>): Promise<ListPage<InteractionLoggedData>> {
    return this.queries.execute(new ContactInteractions(id, query));
  }

  /** Likely duplicates: the same e-mail or phone, or a similar name at the same company; each with a score and the reasons. */
  @Get(':id/duplicates')
  @Access('read')
  async duplicates(@Param('id', uuid) id: string): Promise<{ items: LikelyDuplicate[] }> {
    return { items: await this.queries.execute(new ContactDuplicates(id)) };
  }

  /**
   * Everything held about the person (GDPR right of access), as one JSON document: the profile, every change,
   * the consent ledger, companies, every interaction, and the records of contacts merged into them.
   */
  @Get(':id/personal-data')
  @Roles('admin', 'support')
  async personalData(@Param('id', uuid) id: string, @Res({ passthrough: true }) response: Response): Promise<PersonalDataExport> {
    const exported = await this.queries.execute(new PersonalData(id, now()));
    response.setHeader('Content-Disposition', `attachment; filename="contact-${exported.contact.contactId}.json"`);
    return exported;
  }

  /** Records that the person granted or withdrew consent for a channel and purpose (the ledger keeps every statement). */
  @Post(':id/consents')
  @HttpCode(200)
  @Access('write')
  async recordConsent(
    @Param('id', uuid) id: string,
    @Body() body: RecordConsentDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ContactView> {
    return respond(response, await this.commands.execute(new RecordConsent(id, body, now())));
  }

  /** The consent ledger: every statement, oldest first; the contact shows the current state. */
  @Get(':id/consents')
  @Access('read')
  async consentLedger(@Param('id', uuid) id: string): Promise<{ items: unknown[] }> {
    return { items: await this.queries.execute(new ConsentLedger(id)) };
  }

  @Put(':id/companies/:companyId')
  @Access('write')
  async link(
    @Param('id', uuid) id: string,
    @Param('companyId', uuid) companyId: string,
    @Body() body: CompanyLinkDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ContactView> {
    return respond(response, await this.commands.execute(new LinkToCompany(id, companyId, body.role, now())));
  }

  @Delete(':id/companies/:companyId')
  @Access('write')
  async unlink(
    @Param('id', uuid) id: string,
    @Param('companyId', uuid) companyId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ContactView> {
    return respond(response, await this.commands.execute(new UnlinkFromCompany(id, companyId, now())));
  }

  /** Merges the duplicates into this contact (the survivor); see docs/contacts.md for the rule per field. */
  @Post(':id/merge')
  @HttpCode(200)
  @Access('write')
  async merge(
    @Param('id', uuid) id: string,
    @Body() body: MergeContactsDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<MergedContactView> {
    const command = new MergeContacts(id, body.duplicateIds, body.choices ?? {}, now(), expectedRevisionFrom(ifMatch));
    return respond(response, await this.commands.execute(command));
  }

  @Post(':id/merges/:mergeId/undo')
  @HttpCode(200)
  @Access('write')
  async undoMerge(
    @Param('id', uuid) id: string,
    @Param('mergeId', uuid) mergeId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ContactView> {
    return respond(response, await this.commands.execute(new UndoMerge(id, mergeId, now())));
  }
}
