import { Body, Controller, Get, Headers, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Connection } from 'mongoose';
import { newId, type AggregateRepository } from '@crm/eventsourcing';
import { READ_MODELS } from '@crm/projections/nest/read-models.module';
import type { PersonalDataVault } from '@crm/privacy';
import { PERSONAL_DATA_VAULT } from '@crm/privacy/nest/privacy.module';
import { correlationMetadata, etagOf, expectedRevisionFrom, ProblemError, Roles } from '@crm/platform';
import { CONTACTS, ExecuteContactCommand, type ContactCommandResult } from '../application/execute-contact-command';
import {
  ContactErasedError,
  ContactNotFound,
  normalizeEmail,
  type Contact,
  type ContactCommand,
  type ContactEvent,
} from '../domain/contact';
import type { ContactListItem } from '../infrastructure/contact-list.projection';
import { ContactView, CreateContactDto, ListContactsQuery, UpdateContactDto } from './contact.dto';

const WRITERS = ['admin', 'sales', 'marketing', 'support'] as const;
const READERS = [...WRITERS, 'analyst'] as const;

@ApiTags('contacts')
@ApiBearerAuth()
@Controller('v1/contacts')
export class ContactsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CONTACTS) private readonly contacts: AggregateRepository<Contact, ContactCommand, ContactEvent>,
    @Inject(READ_MODELS) private readonly readModels: Connection,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
  ) {}

  @Post()
  @Roles(...WRITERS)
  async create(@Body() body: CreateContactDto, @Res({ passthrough: true }) response: Response): Promise<ContactView> {
    const contactId = body.contactId ?? newId();
    const result = await this.execute(
      { type: 'CreateContact', data: { contactId, name: { ...body.name }, email: body.email, now: new Date().toISOString() } },
      undefined,
    );
    response.status(201).location(`/v1/contacts/${contactId}`);
    return this.respond(response, contactId, result.state, result.revision);
  }

  @Get(':id')
  @Roles(...READERS)
  @ApiOkResponse({ type: ContactView })
  async get(@Param('id', new ParseUUIDPipe()) id: string, @Res({ passthrough: true }) response: Response): Promise<ContactView> {
    const { state, revision } = await this.contacts.load(id);
    return this.respond(response, id, state, revision);
  }

  /** Changes name and/or e-mail; `If-Match` makes it conditional on the revision the client saw. */
  @Patch(':id')
  @Roles(...WRITERS)
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateContactDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ContactView> {
    let expected = expectedRevisionFrom(ifMatch);
    const now = new Date().toISOString();
    let result: ContactCommandResult | undefined;
    if (body.name) {
      result = await this.execute({ type: 'RenameContact', data: { contactId: id, name: { ...body.name }, now } }, expected);
      expected = expected === undefined ? undefined : result.revision;
    }
    if (body.email)
      result = await this.execute({ type: 'ChangeContactEmail', data: { contactId: id, email: body.email, now } }, expected);
    if (!result) {
      const current = await this.contacts.load(id);
      return this.respond(response, id, current.state, current.revision);
    }
    return this.respond(response, id, result.state, result.revision);
  }

  @Post(':id/archive')
  @HttpCode(200)
  @Roles('admin', 'sales')
  async archive(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ContactView> {
    const result = await this.execute(
      { type: 'ArchiveContact', data: { contactId: id, now: new Date().toISOString() } },
      expectedRevisionFrom(ifMatch),
    );
    return this.respond(response, id, result.state, result.revision);
  }

  /**
   * Erases the person's personal data (GDPR) by crypto-shredding: their key is deleted first, so nothing
   * of theirs can be read from then on, then ContactErased is recorded. Repeating it is harmless.
   */
  @Post(':id/erase')
  @HttpCode(204)
  @Roles('admin')
  async erase(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    const { state } = await this.contacts.load(id);
    if (state.status === 'none') throw new ContactNotFound(id);
    await this.vault.erase(id);
    await this.execute({ type: 'EraseContact', data: { contactId: id, now: new Date().toISOString() } }, undefined);
  }

  /** Lists from the read model (eventually consistent), oldest first, cursor-paginated. */
  @Get()
  @Roles(...READERS)
  async list(@Query() query: ListContactsQuery): Promise<{ items: ContactListItem[]; next?: string }> {
    const limit = query.limit ?? 50;
    const filter: Record<string, unknown> = {};
    if (query.email) filter.email = normalizeEmail(query.email);
    if (query.status) filter.status = query.status;
    if (query.cursor) filter._id = { $gt: decodeCursor(query.cursor) };
    const docs = await this.readModels
      .collection<ContactListItem & { _id: string }>('contact_list')
      .find(filter, { projection: { _meta: 0 } })
      .sort({ _id: 1 })
      .limit(limit + 1)
      .toArray();
    const page = docs.slice(0, limit);
    const items = page.map(({ _id, ...item }) => item);
    return docs.length > limit ? { items, next: encodeCursor(page[page.length - 1]._id) } : { items };
  }

  private execute(command: ContactCommand, expectedRevision: number | undefined): Promise<ContactCommandResult> {
    return this.commands.execute(new ExecuteContactCommand(command, { expectedRevision, metadata: correlationMetadata() }));
  }

  private respond(response: Response, contactId: string, state: Contact, revision: number): ContactView {
    if (state.status === 'none') throw new ContactNotFound(contactId);
    if (state.status === 'erased') throw new ContactErasedError(contactId);
    response.setHeader('ETag', etagOf(revision));
    return {
      contactId: state.contactId,
      name: state.name,
      ...(state.email === undefined ? {} : { email: state.email }),
      status: state.status,
      createdAt: state.createdAt,
      updatedAt: state.updatedAt,
      revision,
    };
  }
}

const encodeCursor = (id: string) => Buffer.from(id, 'utf8').toString('base64url');

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) {
    throw new ProblemError({
      status: 400,
      type: 'invalid-cursor',
      title: 'Invalid cursor',
      detail: 'Pass the `next` value of a previous page.',
    });
  }
  return id;
}
