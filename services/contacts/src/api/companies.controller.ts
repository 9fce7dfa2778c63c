import { Body, Controller, Get, Headers, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Connection } from 'mongoose';
import { newId, type HandleResult } from '@crm/eventsourcing';
import { ApiListQuery } from '@crm/read-api/nest';
import { findPage, POSITION_TOKEN_HEADER, positionToken, type ListPage } from '@crm/read-api';
import { READ_MODELS } from '@crm/projections/nest/read-models.module';
import { correlationMetadata, etagOf, expectedRevisionFrom, RequestValidationError } from '@crm/platform';
import { Roles } from '@crm/platform/nest';
import { INTERNET_DOMAIN_PATTERN, type CompanyEvent, type CompanyProfile } from '@crm/contracts';
import { COMPANIES, type Companies } from '../application/repositories';
import { CompanyNotFound, companyStream, normalizeDomain, type Company, type CompanyCommand } from '../domain/company';
import { COMPANY_LIST_COLLECTION, companyListQuery, type CompanyListItem } from '../infrastructure/company-list.projection';
import { CONTACT_LIST_COLLECTION, type ContactListItem } from '../infrastructure/contact-list.projection';
import { CreateCompanyDto, UpdateCompanyDto } from './company.dto';
import { READERS, WRITERS } from './roles';

const uuid = new ParseUUIDPipe();
const now = () => new Date().toISOString();
const DOMAIN = new RegExp(INTERNET_DOMAIN_PATTERN);

export type CompanyView = CompanyProfile & {
  companyId: string;
  status: 'active' | 'archived';
  createdAt: string;
  updatedAt: string;
  revision: number;
};

function domainsOf(domains: string[] | undefined): string[] | undefined {
  if (!domains) return undefined;
  const normalized = [...new Set(domains.map(normalizeDomain))];
  const bad = normalized.filter((domain) => !DOMAIN.test(domain));
  if (bad.length > 0) {
    throw new RequestValidationError([
      { field: 'domains', messages: bad.map((d) => `"${d}" is not an internet domain`), in: 'body' },
    ]);
  }
  return normalized;
}

@ApiTags('companies')
@ApiBearerAuth()
@Controller('v1/companies')
export class CompaniesController {
  constructor(
    @Inject(COMPANIES) private readonly companies: Companies,
    @Inject(READ_MODELS) private readonly readModels: Connection,
  ) {}

  @Post()
  @Roles(...WRITERS)
  async create(@Body() body: CreateCompanyDto, @Res({ passthrough: true }) response: Response): Promise<CompanyView> {
    const { companyId = newId(), name, industry, size, addresses = [] } = body;
    const profile: CompanyProfile = {
      name: name.trim(),
      domains: domainsOf(body.domains) ?? [],
      addresses,
      ...(industry ? { industry } : {}),
      ...(size ? { size } : {}),
    };
    const result = await this.execute(companyId, { type: 'CreateCompany', data: { companyId, profile, now: now() } });
    response.status(201).location(`/v1/companies/${companyId}`);
    return this.respond(response, companyId, result);
  }

  /** Lists from the read model (eventually consistent): filters, `sort`, `q` (name or domain prefix), cursor pages, `position`. */
  @Get()
  @Roles(...READERS)
  @ApiListQuery(companyListQuery)
  async list(@Query() query: Record<string, unknown>): Promise<ListPage<Omit<CompanyListItem, 'search'>>> {
    const collection = this.readModels.collection<CompanyListItem & { _id: string }>(COMPANY_LIST_COLLECTION);
    return findPage(collection, companyListQuery.parse(query), {
      projection: { _meta: 0, search: 0 },
      map: ({ _id, ...item }: CompanyListItem & { _id: string }) => item,
    });
  }

  @Get(':id')
  @Roles(...READERS)
  async get(@Param('id', uuid) id: string, @Res({ passthrough: true }) response: Response): Promise<CompanyView> {
    return this.respond(response, id, await this.companies.load(id));
  }

  @Patch(':id')
  @Roles(...WRITERS)
  async update(
    @Param('id', uuid) id: string,
    @Body() body: UpdateCompanyDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CompanyView> {
    const { clear = [], domains, ...rest } = body;
    const changes: Partial<CompanyProfile> = { ...rest, ...(domains ? { domains: domainsOf(domains) } : {}) };
    const command: CompanyCommand = { type: 'UpdateCompany', data: { companyId: id, changes, cleared: clear, now: now() } };
    return this.respond(response, id, await this.execute(id, command, expectedRevisionFrom(ifMatch)));
  }

  @Post(':id/archive')
  @HttpCode(200)
  @Roles('admin', 'sales')
  async archive(@Param('id', uuid) id: string, @Res({ passthrough: true }) response: Response): Promise<CompanyView> {
    return this.respond(response, id, await this.execute(id, { type: 'ArchiveCompany', data: { companyId: id, now: now() } }));
  }

  /** The company's people, from the contact list (eventually consistent). */
  @Get(':id/people')
  @Roles(...READERS)
  async people(@Param('id', uuid) id: string): Promise<{ items: Omit<ContactListItem, 'search'>[] }> {
    const { state } = await this.companies.load(id);
    if (state.status === 'none') throw new CompanyNotFound(id);
    const docs = await this.readModels
      .collection<ContactListItem & { _id: string }>(CONTACT_LIST_COLLECTION)
      .find({ companyIds: id, mergedInto: { $exists: false } }, { projection: { _meta: 0, search: 0, _id: 0 } })
      .limit(500)
      .toArray();
    return { items: docs };
  }

  private execute(id: string, command: CompanyCommand, expectedRevision?: number): Promise<HandleResult<Company, CompanyEvent>> {
    return this.companies.handle(id, command, { expectedRevision, metadata: correlationMetadata() });
  }

  private respond(response: Response, id: string, { state, revision }: { state: Company; revision: number }): CompanyView {
    if (state.status === 'none') throw new CompanyNotFound(id);
    response.setHeader('ETag', etagOf(revision));
    const position = { collection: COMPANY_LIST_COLLECTION, documentId: id, stream: companyStream(id), revision };
    response.setHeader(POSITION_TOKEN_HEADER, positionToken(position));
    const { companyId, status, profile, createdAt, updatedAt } = state;
    return { companyId, status, ...profile, createdAt, updatedAt, revision };
  }
}
