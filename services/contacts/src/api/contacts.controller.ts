import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Connection } from 'mongoose';
import { newId } from '@crm/eventsourcing';
import { ApiListQuery } from '@crm/read-api/nest';
import { findPage, POSITION_TOKEN_HEADER, positionToken, type ListPage } from '@crm/read-api';
import { READ_MODELS } from '@crm/projections/nest/read-models.module';
import { CONTACT_LIST_COLLECTION, contactListQuery, type ContactListItem } from '../infrastructure/contact-list.projection';
import { contactInteractionsQuery } from '../infrastructure/contact-interactions.projection';
import { ContactRecords, type PersonalDataExport } from '../application/contact-records';
import type { LikelyDuplicate } from '../domain/duplicates';
import type { InteractionLoggedData } from '@crm/contracts';
import { etagOf, expectedRevisionFrom } from '@crm/platform';
import { Roles } from '@crm/platform/nest';
import { ContactWorkflows, type ContactResult } from '../application/contact-workflows';
import { ContactErasedError, ContactNotFound, contactStream, type Contact } from '../domain/contact';
import { contactView, type ContactView, type HistoryEntry } from '../application/contact-view';
import { AsOfQuery, CompanyLinkDto, CreateContactDto, MergeContactsDto, RecordConsentDto, UpdateContactDto } from './contact.dto';
import { READERS, WRITERS } from './roles';

const uuid = new ParseUUIDPipe();
const now = () => new Date().toISOString();

@ApiTags('contacts')
@ApiBearerAuth()
@Controller('v1/contacts')
export class ContactsController {
  constructor(
    private readonly workflows: ContactWorkflows,
    private readonly records: ContactRecords,
    @Inject(READ_MODELS) private readonly readModels: Connection,
  ) {}

  @Post()
  @Roles(...WRITERS)
  async create(@Body() body: CreateContactDto, @Res({ passthrough: true }) response: Response): Promise<ContactView> {
    const { contactId = newId(), ...input } = body;
    const result = await this.workflows.create(contactId, input, now());
    response.status(201).location(`/v1/contacts/${contactId}`);
    return this.respond(response, contactId, result);
  }

  /**
   * Lists from the read model (eventually consistent): filters `field=value` or `field[op]=value`, `sort`,
   * `q` search (name, e-mail, phone, or the name or domain of their company), cursor pagination. Merged contacts
   * are left out unless `includeMerged=true`. `position` (a write's Position-Token) waits until the list shows it.
   */
  @Get()
  @Roles(...READERS)
  @ApiListQuery(contactListQuery)
  @ApiQuery({
    name: 'includeMerged',
    required: false,
    description: '`true`: also list contacts merged into another',
    schema: { type: 'string', enum: ['true', 'false'] },
  })
  async list(@Query() query: Record<string, unknown>): Promise<ListPage<Omit<ContactListItem, 'search'>>> {
    return findPage(
      this.readModels.collection<ContactListItem & { _id: string }>(CONTACT_LIST_COLLECTION),
      await this.records.parseContactList(query),
      {
        projection: { _meta: 0, search: 0 },
        map: ({ _id, ...item }: ContactListItem & { _id: string }) => item,
      },
    );
  }

  /** The contact now, or as it was at `asOf`; a merged contact's id answers with its survivor. */
  @Get(':id')
  @Roles(...READERS)
  async get(
    @Param('id', uuid) id: string,
    @Query() query: AsOfQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ContactView> {
    const resolved = await this.workflows.resolve(id, query.asOf ? new Date(query.asOf) : undefined);
    if (resolved.contactId !== id) response.setHeader('Content-Location', `/v1/contacts/${resolved.contactId}`);
    return this.respond(response, resolved.contactId, resolved);
  }

  /** Changes the fields given (lists are replaced as a whole); `clear` removes optional fields; `If-Match` makes it conditional. */
  @Patch(':id')
  @Roles(...WRITERS)
  async update(
    @Param('id', uuid) id: string,
    @Body() body: UpdateContactDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ContactView> {
    const { clear = [], ...input } = body;
    return this.respond(response, id, await this.workflows.update(id, input, clear, now(), expectedRevisionFrom(ifMatch)));
  }

  @Post(':id/archive')
  @HttpCode(200)
  @Roles('admin', 'sales')
  async archive(
    @Param('id', uuid) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ContactView> {
    const result = await this.workflows.execute(
      id,
      { type: 'ArchiveContact', data: { contactId: id, now: now() } },
      expectedRevisionFrom(ifMatch),
    );
    return this.respond(response, id, result);
  }

  /**
   * Erases the person's personal data (GDPR) by crypto-shredding: their key (and the keys of contacts
   * merged into them) is deleted first, so nothing of theirs can be read from then on, then ContactErased
   * is recorded. Repeating it is harmless.
   */
  @Post(':id/erase')
  @HttpCode(204)
  @Roles('admin')
  async erase(@Param('id', uuid) id: string): Promise<void> {
    await this.workflows.erase(id, now());
  }

  /** Every change: who, when, which fields, old and new values. */
  @Get(':id/history')
  @Roles(...READERS)
  async history(@Param('id', uuid) id: string): Promise<{ items: HistoryEntry[] }> {
    return { items: (await this.records.recordOf(id)).history };
  }

  /** The contact's interactions (with those of the contacts merged into it), newest first; filters as documented. */
  @Get(':id/interactions')
  @Roles(...READERS)
  @ApiListQuery(contactInteractionsQuery)
  async interactions(
    @Param('id', uuid) id: string,
    @Query() query: Record<string, unknown>,
  ): Promise<ListPage<InteractionLoggedData>> {
    return this.records.interactionsOf(id, contactInteractionsQuery.parse(query));
  }

  /** Likely duplicates: the same e-mail or phone, or a similar name at the same company; each with a score and the reasons. */
  @Get(':id/duplicates')
  @Roles(...READERS)
  duplicates(@Param('id', uuid) id: string): Promise<{ items: LikelyDuplicate[] }> {
    return this.records.duplicatesOf(id);
  }

  /**
   * Everything held about the person (GDPR right of access), as one JSON document: the profile, every change,
   * the consent ledger, companies, every interaction, and the records of contacts merged into them.
   */
  @Get(':id/personal-data')
  @Roles('admin', 'support')
  async personalData(@Param('id', uuid) id: string, @Res({ passthrough: true }) response: Response): Promise<PersonalDataExport> {
    const exported = await this.records.personalData(id, now());
    response.setHeader('Content-Disposition', `attachment; filename="contact-${exported.contact.contactId}.json"`);
    return exported;
  }

  /** Records that the person granted or withdrew consent for a channel and purpose (the ledger keeps every statement). */
  @Post(':id/consents')
  @HttpCode(200)
  @Roles(...WRITERS)
  async recordConsent(
    @Param('id', uuid) id: string,
    @Body() body: RecordConsentDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ContactView> {
    const contact = await this.workflows.liveContact(id);
    return this.respond(response, contact.contactId, await this.workflows.recordConsent(contact.contactId, body, now()));
  }

  /** The consent ledger: every statement, oldest first; the contact shows the current state. */
  @Get(':id/consents')
  @Roles(...READERS)
  async consentLedger(@Param('id', uuid) id: string): Promise<{ items: unknown[] }> {
    return { items: (await this.records.recordOf(id)).consentLedger };
  }

  @Put(':id/companies/:companyId')
  @Roles(...WRITERS)
  async link(
    @Param('id', uuid) id: string,
    @Param('companyId', uuid) companyId: string,
    @Body() body: CompanyLinkDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ContactView> {
    const result = await this.workflows.linkToCompany(id, companyId, body.role, now());
    return this.respond(response, id, result);
  }

  @Delete(':id/companies/:companyId')
  @Roles(...WRITERS)
  async unlink(
    @Param('id', uuid) id: string,
    @Param('companyId', uuid) companyId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ContactView> {
    const result = await this.workflows.execute(id, {
      type: 'UnlinkFromCompany',
      data: { contactId: id, companyId, now: now() },
    });
    return this.respond(response, id, result);
  }

  /** Merges the duplicates into this contact (the survivor); see docs/contacts.md for the rule per field. */
  @Post(':id/merge')
  @HttpCode(200)
  @Roles('admin', 'sales', 'marketing', 'support')
  async merge(
    @Param('id', uuid) id: string,
    @Body() body: MergeContactsDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ContactView & { mergeId: string }> {
    const result = await this.workflows.merge(id, body.duplicateIds, body.choices ?? {}, now(), expectedRevisionFrom(ifMatch));
    return { ...this.respond(response, id, result), mergeId: result.mergeId };
  }

  @Post(':id/merges/:mergeId/undo')
  @HttpCode(200)
  @Roles('admin', 'sales', 'marketing', 'support')
  async undoMerge(
    @Param('id', uuid) id: string,
    @Param('mergeId', uuid) mergeId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ContactView> {
    return this.respond(response, id, await this.workflows.undoMerge(id, mergeId, now()));
  }

  private respond(response: Response, contactId: string, result: Pick<ContactResult, 'state' | 'revision'>): ContactView {
    const state: Contact = result.state;
    if (state.status === 'none') throw new ContactNotFound(contactId);
    if (state.status === 'erased') throw new ContactErasedError(contactId);
    response.setHeader('ETag', etagOf(result.revision));
    const position = {
      collection: CONTACT_LIST_COLLECTION,
      documentId: contactId,
      stream: contactStream(contactId),
      revision: result.revision,
    };
    response.setHeader(POSITION_TOKEN_HEADER, positionToken(position));
    return contactView(state, result.revision);
  }
}
