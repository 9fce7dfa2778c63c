import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CompanyProfile } from '@crm/contracts';
import { InjectRepository, type RepositoryOf, type Written } from '@crm/service-kit';
import { companyAggregate, companyProfileOf, normalizeDomains, type CompanyCommand } from '../../domain/company';
import { writtenCompany, type CompanyView } from '../contact-view';

type CompanyInput = { name: string; domains?: string[] } & Partial<Omit<CompanyProfile, 'name' | 'domains'>>;

export class CreateCompany extends Command<Written<CompanyView>> {
  constructor(
    readonly companyId: string,
    readonly input: CompanyInput,
    readonly now: string,
  ) {
    super();
  }
}

/** Changes the fields given (domains normalized) and clears `industry` or `size`; conditional on `expectedRevision`. */
export class UpdateCompany extends Command<Written<CompanyView>> {
  constructor(
    readonly companyId: string,
    readonly changes: Partial<CompanyProfile>,
    readonly cleared: ('industry' | 'size')[],
    readonly now: string,
    readonly expectedRevision?: number,
  ) {
    super();
  }
}

export class ArchiveCompany extends Command<Written<CompanyView>> {
  constructor(
    readonly companyId: string,
    readonly now: string,
  ) {
    super();
  }
}

/** The company use cases: each one command of the company decider. */
abstract class CompanyCommandHandler {
  constructor(@InjectRepository(companyAggregate) private readonly companies: RepositoryOf<typeof companyAggregate>) {}

  protected async run(companyId: string, command: CompanyCommand, expectedRevision?: number): Promise<Written<CompanyView>> {
    return writtenCompany(companyId, await this.companies.handle(companyId, command, { expectedRevision }));
  }
}

@CommandHandler(CreateCompany)
export class CreateCompanyHandler extends CompanyCommandHandler implements ICommandHandler<CreateCompany> {
  execute({ companyId, input, now }: CreateCompany): Promise<Written<CompanyView>> {
    return this.run(companyId, { type: 'CreateCompany', data: { companyId, profile: companyProfileOf(input), now } });
  }
}

@CommandHandler(UpdateCompany)
export class UpdateCompanyHandler extends CompanyCommandHandler implements ICommandHandler<UpdateCompany> {
  execute({ companyId, changes, cleared, now, expectedRevision }: UpdateCompany): Promise<Written<CompanyView>> {
    return this.run(companyId, updateCompanyCommand(companyId, changes, cleared, now), expectedRevision);
  }
}

@CommandHandler(ArchiveCompany)
export class ArchiveCompanyHandler extends CompanyCommandHandler implements ICommandHandler<ArchiveCompany> {
  execute({ companyId, now }: ArchiveCompany): Promise<Written<CompanyView>> {
    return this.run(companyId, { type: 'ArchiveCompany', data: { companyId, now } });
  }
}

/** The domain command of an update, its domains normalized (an import's plan decides it too). */
export function updateCompanyCommand(
  companyId: string,
  changes: Partial<CompanyProfile>,
  cleared: ('industry' | 'size')[],
  now: string,
): CompanyCommand {
  const { domains, ...rest } = changes;
  const normalized = { ...rest, ...(domains ? { domains: normalizeDomains(domains) } : {}) };
  return { type: 'UpdateCompany', data: { companyId, changes: normalized, cleared, now } };
}
