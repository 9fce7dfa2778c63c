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
  type RowPlan,
} from '@crm/csv';
import { newId } from '@crm/eventsourcing';
import { InjectRepository, ReadModels, type RepositoryOf } from '@crm/service-kit';
import { CompanyAlreadyExists, companyAggregate, companyDecider } from '../../domain/company';
import { companyNameKey } from '../../domain/company-names';
import { CreateCompany, UpdateCompany, updateCompanyCommand } from '../commands/companies';
import { companyListProjection } from '../read-models/company-list';
import { companyWrite, domainOfCell, readCompanyRow, type CompanyRow, type CompanyWrite } from './company-rows';
import { companyIdFor } from './external-ids';
import type { CompanyField } from './import-columns';

/** Never left out of a row for `onInvalidCell=skip`: they say which company the row is for. */
const NEVER_SKIPPED: readonly CompanyField[] = ['companyId', 'externalId'];

/**
 * Writes companies rows with the commands the companies API sends. A row finds its company by `companyId`,
 * else by the id its `externalId` stands for, else by one of its domains, else (a row with none of these) by its
 * name as companyNameKey compares names: among this job's rows first, then in the company list (eventually
 * consistent), so that importing such a file again updates what it created. Found: updated; else created. With
 * `onInvalidCell=skip`, a row refused for some of its cells is imported again without them, each reported as a
 * warning. One per job (made by the import queue).
 */
@Injectable()
export class CompanyRowImporter implements RowImporter<CompanyField> {
  private readonly companyByDomain = new Map<string, string>();
  private readonly companyByName = new Map<string, string>();
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
      ...(listItems(values.domains) ?? []).map((domain) => `domain:${domainOfCell(domain)}`),
      ...(values.name ? [`name:${companyNameKey(values.name)}`] : []),
    ];
  }

  importRow(values: Partial<Record<CompanyField, string>>): Promise<RowOutcome | ImportedRow> {
    return this.eachRow(values, (row) =>
      retryOnConflict(
        () => this.write(row),
        (error) => error instanceof CompanyAlreadyExists,
      ),
    );
  }

  async planRow(values: Partial<Record<CompanyField, string>>): Promise<RowPlan> {
    let targetId: string | undefined;
    const planned = await this.eachRow(values, async (row) => {
      const plan = await this.plan(row);
      targetId = plan.write.action === 'create' ? undefined : plan.companyId;
      return plan.outcome;
    });
    const { outcome, warnings } = typeof planned === 'string' ? { outcome: planned, warnings: [] } : planned;
    return { outcome, ...(targetId && { targetId }), ...(warnings.length > 0 && { warnings }) };
  }

  /** A row read and `finish`ed (written, or planned); with `onInvalidCell=skip` again without the cells refused. */
  private eachRow(
    values: Partial<Record<CompanyField, string>>,
    finish: (row: CompanyRow) => Promise<RowOutcome>,
  ): Promise<RowOutcome | ImportedRow> {
    const importCells = async (cells: Partial<Record<CompanyField, string>>) => {
      const read = readCompanyRow(cells);
      if (!read.ok) throw new InvalidRowError(read.errors);
      return finish(read.value);
    };
    return this.options.onInvalidCell === 'skip'
      ? importSkippingInvalidCells(values, importCells, NEVER_SKIPPED)
      : importCells(values);
  }

  private async write(row: CompanyRow): Promise<RowOutcome> {
    return this.apply(row, await this.plan(row));
  }

  /** The create or update the row amounts to, on the company as loaded now, and whether the company decider sees a change. */
  private async plan(row: CompanyRow): Promise<CompanyPlan> {
    const now = this.now();
    const wanted =
      row.companyId ??
      (row.externalId !== undefined
        ? companyIdFor(row.externalId)
        : row.domains.length > 0
          ? await this.findByDomain(row)
          : await this.findByName(row.name));
    const found = wanted ? await this.companies.load(wanted) : undefined;
    const existing = found && found.state.status !== 'none' ? found.state : undefined;
    const write = companyWrite(row, existing?.profile);
    if (!write.ok) throw new InvalidRowError(write.errors);
    const companyId = wanted ?? newId();
    const outcome =
      write.value.action === 'create'
        ? 'created'
        : companyDecider.decide(updateCompanyCommand(companyId, write.value.changes, [], now), found!.state).length > 0
          ? 'updated'
          : 'unchanged';
    return { now, companyId, revision: found?.revision, write: write.value, outcome };
  }

  private async apply(row: CompanyRow, { now, companyId, revision: loaded, write }: CompanyPlan): Promise<RowOutcome> {
    const { revision } =
      write.action === 'create'
        ? await this.commands.execute(new CreateCompany(companyId, write.profile, now))
        : await this.commands.execute(new UpdateCompany(companyId, write.changes, [], now, loaded));
    for (const domain of row.domains) this.companyByDomain.set(domain, companyId);
    if (row.name !== undefined) this.companyByName.set(companyNameKey(row.name), companyId);
    return write.action === 'create' ? 'created' : revision !== loaded ? 'updated' : 'unchanged';
  }

  private async findByDomain(row: CompanyRow): Promise<string | undefined> {
    for (const domain of row.domains) {
      const seen = this.companyByDomain.get(domain);
      if (seen) return seen;
    }
    return companyWithDomain(this.readModels, row.domains);
  }

  private async findByName(name: string | undefined): Promise<string | undefined> {
    if (name === undefined) return undefined;
    const key = companyNameKey(name);
    return this.companyByName.get(key) ?? companyWithName(this.readModels, key);
  }
}

const NAME_CANDIDATES = 50;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The oldest listed company whose name has this key (companyNameKey). The list keeps names lower-cased without
 * accents (`search`), so the names that start with the key's first word are read (by index), then compared by key.
 */
export async function companyWithName(readModels: ReadModels, key: string): Promise<string | undefined> {
  const [firstWord] = key.split(' ');
  if (!firstWord) return undefined;
  const candidates = await readModels
    .of(companyListProjection)
    .find({ search: { $regex: `^${escapeRegExp(firstWord)}` } }, { projection: { companyId: 1, name: 1 } })
    .sort({ createdAt: 1 })
    .limit(NAME_CANDIDATES)
    .toArray();
  return candidates.find((company) => companyNameKey(company.name) === key)?.companyId;
}

/** What a row would write to its company (see CompanyRowImporter.plan). */
interface CompanyPlan {
  now: string;
  companyId: string;
  /** The company's revision as loaded: an update is conditional on it. */
  revision?: number;
  write: CompanyWrite;
  outcome: RowOutcome;
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
