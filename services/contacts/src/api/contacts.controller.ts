import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { InteractionLoggedData } from '@crm/contracts';
import { newId } from '@crm/eventsourcing';
import { Access, ApiJsonResponse, ApiProblemResponse, IfMatch, ParseIdPipe, Roles } from '@crm/platform/nest';
import type { ListPage } from '@crm/read-api';
import { ApiListQuery } from '@crm/read-api/nest';
import { ApiResponds, respond } from '@crm/service-kit';
import { now } from '@crm/platform';
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
import { ApiContactProblems } from './problems';
import {
  consentStatement,
  contactView,
  historyEntry,
  interaction,
  itemsOf,
  likelyDuplicate,
  listedContact,
  mergedContactView,
  personalData,
} from './views';

const uuid = new ParseIdPipe();

const WITHOUT_IDENTITY = 'The contact would have no name, e-mail address or phone number (`contact-without-identity`)';

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
  @ApiOperation({
    summary: 'Create a contact',
    description: 'Give `contactId` (a UUID) to make a retried create harmless: the second one is a 409.',
  })
  @ApiResponds(contactView, { status: 201, location: true })
  @ApiProblemResponse(409, 'A contact with this contactId exists already')
  @ApiProblemResponse(422, WITHOUT_IDENTITY)
  async create(@Body() body: CreateContactDto, @Res({ passthrough: true }) response: Response): Promise<ContactView> {
    const { contactId = newId(), ...input } = body;
    const written = await this.commands.execute(new CreateContact(contactId, input, now()));
    return respond(response, written, { status: 201, location: `/v1/contacts/${contactId}` });
  }

  @Get()
  @Access('read')
  @ApiOperation({
    summary: 'List contacts',
    description:
      'From the read model (eventually consistent): filters `field=value` or `field[op]=value`, `sort`, `q` search (name, ' +
      'e-mail, phone, or the name or domain of their company), cursor pagination. Merged contacts are left out unless ' +
      "`includeMerged=true`. `position` (a write's Position-Token) waits until the list shows it.",
  })
  @ApiListQuery(contactListQuery, { items: listedContact })
  list(@Query() query: Record<string, unknown>): Promise<ListPage<ListedContact>> {
    return this.queries.execute(new ListContacts(query));
  }

  @Get(':id')
  @Access('read')
  @ApiOperation({
    summary: 'Get a contact',
    description: "The contact now, or as it was at `asOf`; a merged contact's id answers with its survivor (`Content-Location`).",
  })
  @ApiResponds(contactView)
  @ApiContactProblems()
  async get(
    @Param('id', uuid) id: string,
    @Query() query: AsOfQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ContactView> {
    const found = await this.queries.execute(new GetContact(id, query.asOf ? new Date(query.asOf) : undefined));
    if (found.contactId !== id) response.setHeader('Content-Location', `/v1/contacts/${found.contactId}`);
    return respond(response, found);
  }

  @Patch(':id')
  @Access('write')
  @ApiOperation({
    summary: 'Update a contact',
    description:
      'Changes the fields given (lists are replaced as a whole); `clear` removes optional fields; `If-Match` makes it conditional.',
  })
  @ApiResponds(contactView)
  @ApiContactProblems({ writes: true })
  @ApiProblemResponse(422, WITHOUT_IDENTITY)
  async update(
    @Param('id', uuid) id: string,
    @Body() body: UpdateContactDto,
    @IfMatch() expectedRevision: number | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ContactView> {
    const { clear = [], ...input } = body;
    return respond(response, await this.commands.execute(new UpdateContact(id, input, clear, now(), expectedRevision)));
  }

  @Post(':id/archive')
  @HttpCode(200)
  @Roles('admin', 'sales')
  @ApiOperation({ summary: 'Archive a contact' })
  @ApiResponds(contactView)
  @ApiContactProblems({ writes: true })
  async archive(
    @Param('id', uuid) id: string,
    @IfMatch() expectedRevision: number | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ContactView> {
    return respond(response, await this.commands.execute(new ArchiveContact(id, now(), expectedRevision)));
  }

  @Post(':id/erase')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({
    summary: "Erase a person's personal data",
    description:
      "GDPR erasure by crypto-shredding: the person's key (and the keys of contacts merged into them) is deleted first, so " +
      'nothing of theirs can be read from then on, then ContactErased is recorded. Repeating it is harmless.',
  })
  @ApiJsonResponse(204, undefined, { description: 'Erased' })
  @ApiProblemResponse(404, 'No contact has this id')
  erase(@Param('id', uuid) id: string): Promise<void> {
    return this.commands.execute(new EraseContact(id, now()));
  }

  @Get(':id/history')
  @Access('read')
  @ApiOperation({ summary: "A contact's history", description: 'Every change: who, when, which fields, old and new values.' })
  @ApiJsonResponse(200, itemsOf(historyEntry))
  @ApiContactProblems()
  async history(@Param('id', uuid) id: string): Promise<{ items: HistoryEntry[] }> {
    return { items: await this.queries.execute(new ContactHistory(id)) };
  }

  @Get(':id/interactions')
  @Access('read')
  @ApiOperation({
    summary: "A contact's interactions",
    description: 'With those of the contacts merged into it, newest first, from the read model; filters as documented.',
  })
  @ApiListQuery(contactInteractionsQuery, { items: interaction })
  @ApiContactProblems()
  interactions(@Param('id', uuid) id: string, @Query() query: Record<string, unknown>): Promise<ListPage<InteractionLoggedData>> {
    return this.queries.execute(new ContactInteractions(id, query));
  }

  @Get(':id/duplicates')
  @Access('read')
  @ApiOperation({
    summary: 'Likely duplicates of a contact',
    description: 'The same e-mail or phone, or a similar name at the same company; each with a score and the reasons.',
  })
  @ApiJsonResponse(200, itemsOf(likelyDuplicate))
  @ApiContactProblems()
  async duplicates(@Param('id', uuid) id: string): Promise<{ items: LikelyDuplicate[] }> {
    return { items: await this.queries.execute(new ContactDuplicates(id)) };
  }

  @Get(':id/personal-data')
  @Roles('admin', 'support')
  @ApiOperation({
    summary: "Export a person's personal data",
    description:
      'Everything held about the person (GDPR right of access), as one JSON document: the profile, every change, the ' +
      'consent ledger, companies, every interaction, and the records of contacts merged into them.',
  })
  @ApiJsonResponse(200, personalData, {
    headers: {
      'Content-Disposition': { required: true, schema: { type: 'string' }, description: 'A download: `contact-<id>.json`.' },
    },
  })
  @ApiContactProblems()
  async personalData(@Param('id', uuid) id: string, @Res({ passthrough: true }) response: Response): Promise<PersonalDataExport> {
    const exported = await this.queries.execute(new PersonalData(id, now()));
    response.setHeader('Content-Disposition', `attachment; filename="contact-${exported.contact.contactId}.json"`);
    return exported;
  }

  @Post(':id/consents')
  @HttpCode(200)
  @Access('write')
  @ApiOperation({
    summary: 'Record a consent statement',
    description: 'The person granted or withdrew consent for a channel and purpose; the ledger keeps every statement.',
  })
  @ApiResponds(contactView)
  @ApiContactProblems({ writes: true })
  async recordConsent(
    @Param('id', uuid) id: string,
    @Body() body: RecordConsentDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ContactView> {
    return respond(response, await this.commands.execute(new RecordConsent(id, body, now())));
  }

  @Get(':id/consents')
  @Access('read')
  @ApiOperation({
    summary: "A contact's consent ledger",
    description: 'Every statement, oldest first; the contact shows the current state.',
  })
  @ApiJsonResponse(200, itemsOf(consentStatement))
  @ApiContactProblems()
  async consentLedger(@Param('id', uuid) id: string): Promise<{ items: unknown[] }> {
    return { items: await this.queries.execute(new ConsentLedger(id)) };
  }

  @Put(':id/companies/:companyId')
  @Access('write')
  @ApiOperation({ summary: 'Link a contact to a company', description: 'With the role they have there; again to change it.' })
  @ApiResponds(contactView)
  @ApiContactProblems({ writes: true })
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
  @ApiOperation({ summary: 'Unlink a contact from a company' })
  @ApiResponds(contactView)
  @ApiContactProblems({ writes: true })
  async unlink(
    @Param('id', uuid) id: string,
    @Param('companyId', uuid) companyId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ContactView> {
    return respond(response, await this.commands.execute(new UnlinkFromCompany(id, companyId, now())));
  }

  @Post(':id/merge')
  @HttpCode(200)
  @Access('write')
  @ApiOperation({
    summary: 'Merge duplicates into a contact',
    description: 'This contact survives; see docs/contacts.md for the rule per field. `mergeId` names the merge to undo it.',
  })
  @ApiResponds(mergedContactView)
  @ApiContactProblems({ writes: true })
  @ApiProblemResponse(422, 'These contacts cannot be merged (one of them is the survivor, merged, or erased)')
  async merge(
    @Param('id', uuid) id: string,
    @Body() body: MergeContactsDto,
    @IfMatch() expectedRevision: number | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<MergedContactView> {
    const command = new MergeContacts(id, body.duplicateIds, body.choices ?? {}, now(), expectedRevision);
    return respond(response, await this.commands.execute(command));
  }

  @Post(':id/merges/:mergeId/undo')
  @HttpCode(200)
  @Access('write')
  @ApiOperation({ summary: 'Undo a merge', description: 'The merged contacts come back as they were; later changes stay.' })
  @ApiResponds(contactView)
  @ApiContactProblems({ writes: true })
  async undoMerge(
    @Param('id', uuid) id: string,
    @Param('mergeId', uuid) mergeId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ContactView> {
    return respond(response, await this.commands.execute(new UndoMerge(id, mergeId, now())));
  }
}
