import type { Connection } from 'mongoose';
import { newId } from '@crm/eventsourcing';
import { correlationMetadata } from '@crm/platform';
import type { Companies } from '../application/repositories';
import { CompanyAlreadyExists, normalizeDomain, type CompanyCommand } from '../domain/company';
import { companyWrite, readCompanyRow, type CompanyRow } from './company-rows';
import { listItems, type CompanyField } from './import-columns';
import { companyIdFor, InvalidRowError, retryOnConflict, type RowImporter, type RowOutcome } from './row-importer';

/**
 * Writes companies rows with the commands the companies API sends. A row finds its company by `companyId`,
 * else by the id its `externalId` stands for, else by one of its domains: among this job's rows first, then
 * in the company list (eventually consistent). Found: updated; else created.
 */
export class CompanyRowImporter implements RowImporter {
  private readonly companyByDomain = new Map<string, string>();

  constructor(
    private readonly companies: Companies,
    private readonly readModels: Connection,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  keysOf(values: Partial<Record<CompanyField, string>>): string[] {
    return [
      ...(values.companyId ? [`id:${values.companyId.toLowerCase()}`] : []),
      ...(values.externalId ? [`external:${values.externalId}`] : []),
      ...(listItems(values.domains) ?? []).map((domain) => `domain:${normalizeDomain(domain)}`),
    ];
  }

  async importRow(values: Partial<Record<CompanyField, string>>): Promise<RowOutcome> {
    const read = readCompanyRow(values);
    if (!read.ok) throw new InvalidRowError(read.errors);
    return retryOnConflict(
      () => this.write(read.value),
      (error) => error instanceof CompanyAlreadyExists,
    );
  }

  private async write(row: CompanyRow): Promise<RowOutcome> {
    const now = this.now();
    const wanted = row.companyId ?? (row.externalId !== undefined ? companyIdFor(row.externalId) : await this.findByDomain(row));
    const found = wanted ? await this.companies.load(wanted) : undefined;
    const existing = found && found.state.status !== 'none' ? found.state : undefined;
    const write = companyWrite(row, existing?.profile);
    if (!write.ok) throw new InvalidRowError(write.errors);
    const companyId = wanted ?? newId();
    const command: CompanyCommand =
      write.value.action === 'create'
        ? { type: 'CreateCompany', data: { companyId, profile: write.value.profile, now } }
        : { type: 'UpdateCompany', data: { companyId, changes: write.value.changes, cleared: [], now } };
    const result = await this.companies.handle(companyId, command, {
      expectedRevision: existing ? found!.revision : undefined,
      metadata: correlationMetadata(),
    });
    for (const domain of row.domains) this.companyByDomain.set(domain, companyId);
    return write.value.action === 'create' ? 'created' : result.events.length > 0 ? 'updated' : 'unchanged';
  }

  private async findByDomain(row: CompanyRow): Promise<string | undefined> {
    for (const domain of row.domains) {
      const seen = this.companyByDomain.get(domain);
      if (seen) return seen;
    }
    return companyWithDomain(this.readModels, row.domains);
  }
}

/** The company list (the service's own read model), where companies are found by domain. */
const COMPANY_LIST = 'company_list';

/** The oldest listed company with any of these (normalized) domains. */
export async function companyWithDomain(readModels: Connection, domains: readonly string[]): Promise<string | undefined> {
  if (domains.length === 0) return undefined;
  const [oldest] = await readModels
    .collection<{ companyId: string; domains: string[]; createdAt: string }>(COMPANY_LIST)
    .find({ domains: { $in: [...domains] } }, { projection: { companyId: 1 } })
    .sort({ createdAt: 1 })
    .limit(1)
    .toArray();
  return oldest?.companyId;
}
