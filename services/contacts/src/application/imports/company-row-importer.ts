import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  importSkippingInvalidCells,
  InvalidRowError,
  listItems,
  retryOnConflict,
  type ImportedRow,
  type ImportOptions,
  type RowImporter,
  type RowOutcome,
} from '@crm/csv';
import { newId } from '@crm/eventsourcing';
import { InjectRepository, ReadModels, type RepositoryOf } from '@crm/service-kit';
import { CompanyAlreadyExists, companyAggregate, normalizeDomain } from '../../domain/company';
import { CreateCompany, UpdateCompany } from '../commands/companies';
import { companyListProjection } from '../read-models/company-list';
import { companyWrite, readCompanyRow, type CompanyRow } from './company-rows';
import { companyIdFor } from './external-ids';
import type { CompanyField } from './import-columns';

/** Never left out of a row for `onInvalidCell=skip`: they say which company the row is for. */
const NEVER_SKIPPED: readonly CompanyField[] = ['companyId', 'externalId'];

/**
 * Writes companies rows with the commands the companies API sends. A row finds its company by `companyId`,
 * else by the id its `externalId` stands for, else by one of its domains: among this job's rows first, then
 * in the company list (eventually consistent). Found: updated; else created. With `onInvalidCell=skip`, a row refused
 * for some of its cells is imported again without them, each reported as a warning. One per job (made by the import queue).
 */
@Injectable()
export class CompanyRowImporter implements RowImporter<CompanyField> {
  private readonly companyByDomain = new Map<string, string>();
  private readonly now = () => new Date().toISOString();
  private options: ImportOptions = {};

  constructor(
    private readonly commands: CommandBus,
    @InjectRepository(companyAggregate) private readonly companies: RepositoryOf<typeof companyAggregate>,
    private readonly readModels: ReadModels,
  ) {}

  configure(options: ImportOptions): void {
    this.options = options;
  }

  keysOf(values: Partial<Record<CompanyField, string>>): string[] {
    return [
      ...(values.companyId ? [`id:${values.companyId.toLowerCase()}`] : []),
      ...(values.externalId ? [`external:${values.externalId}`] : []),
      ...(listItems(values.domains) ?? []).map((domain) => `domain:${normalizeDomain(domain)}`),
    ];
  }

  importRow(values: Partial<Record<CompanyField, string>>): Promise<RowOutcome | ImportedRow> {
    return this.options.onInvalidCell === 'skip'
      ? importSkippingInvalidCells(values, (cells) => this.importCells(cells), NEVER_SKIPPED)
      : this.importCells(values);
  }

  private async importCells(values: Partial<Record<CompanyField, string>>): Promise<RowOutcome> {
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
    const { revision } =
      write.value.action === 'create'
        ? await this.commands.execute(new CreateCompany(companyId, write.value.profile, now))
        : await this.commands.execute(new UpdateCompany(companyId, write.value.changes, [], now, found!.revision));
    for (const domain of row.domains) this.companyByDomain.set(domain, companyId);
    return write.value.action === 'create' ? 'created' : revision !== found!.revision ? 'updated' : 'unchanged';
  }

  private async findByDomain(row: CompanyRow): Promise<string | undefined> {
    for (const domain of row.domains) {
      const seen = this.companyByDomain.get(domain);
      if (seen) return seen;
    }
    return companyWithDomain(this.readModels, row.domains);
  }
}

/** The oldest listed company with any of these (normalized) domains. */
export async function companyWithDomain(readModels: ReadModels, domains: readonly string[]): Promise<string | undefined> {
  if (domains.length === 0) return undefined;
  const [oldest] = await readModels
    .of(companyListProjection)
    .find({ domains: { $in: [...domains] } }, { projection: { companyId: 1 } })
    .sort({ createdAt: 1 })
    .limit(1)
    .toArray();
  return oldest?.companyId;
}
