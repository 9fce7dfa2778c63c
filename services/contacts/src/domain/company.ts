import type { Aggregate, Decider } from '@crm/eventsourcing';
import { INTERNET_DOMAIN_PATTERN, type CompanyEvent, type CompanyProfile } from '@crm/contracts';
import { applyChanges, changedFields } from './changes';

/** The Company aggregate (an organization people work for). Not personal data. */
export type Company =
  | { status: 'none' }
  | { status: 'active' | 'archived'; companyId: string; profile: CompanyProfile; createdAt: string; updatedAt: string };

export type CompanyCommand =
  | { type: 'CreateCompany'; data: { companyId: string; profile: CompanyProfile; now: string } }
  | {
      type: 'UpdateCompany';
      data: { companyId: string; changes: Partial<CompanyProfile>; cleared: ('industry' | 'size')[]; now: string };
    }
  | { type: 'ArchiveCompany'; data: { companyId: string; now: string } };

export class CompanyNotFound extends Error {
  override readonly name = 'CompanyNotFound';
  constructor(readonly companyId: string) {
    super(`Company ${companyId} does not exist`);
  }
}

export class CompanyAlreadyExists extends Error {
  override readonly name = 'CompanyAlreadyExists';
  constructor(readonly companyId: string) {
    super(`Company ${companyId} already exists`);
  }
}

export class CompanyArchivedError extends Error {
  override readonly name = 'CompanyArchivedError';
  constructor(readonly companyId: string) {
    super(`Company ${companyId} is archived and cannot change`);
  }
}

/** Company data that breaks the rules; `errors` names each bad field with what is wrong. */
export class InvalidCompanyData extends Error {
  override readonly name = 'InvalidCompanyData';
  constructor(readonly errors: readonly { field: string; messages: string[] }[]) {
    super(`Invalid company data: ${errors.map((error) => error.field).join(', ')}`);
  }
}

/** Domains compare without case and without a leading `www.`. */
export const normalizeDomain = (domain: string): string =>
  domain
    .trim()
    .toLowerCase()
    .replace(/^www\./, '');

const INTERNET_DOMAIN = new RegExp(INTERNET_DOMAIN_PATTERN);

/** A company's domains as kept: normalized, each once. Throws InvalidCompanyData naming every one that is no internet domain. */
export function normalizeDomains(domains: readonly string[]): string[] {
  const normalized = [...new Set(domains.map(normalizeDomain))];
  const bad = normalized.filter((domain) => !INTERNET_DOMAIN.test(domain));
  if (bad.length > 0)
    throw new InvalidCompanyData([{ field: 'domains', messages: bad.map((d) => `"${d}" is not an internet domain`) }]);
  return normalized;
}

/** A new company's profile from what was given: the name trimmed, domains normalized, absent fields left out. */
export function companyProfileOf(
  input: { name: string; domains?: readonly string[] } & Partial<Omit<CompanyProfile, 'name' | 'domains'>>,
): CompanyProfile {
  const { name, domains = [], addresses = [], industry, size } = input;
  return {
    name: name.trim(),
    domains: normalizeDomains(domains),
    addresses,
    ...(industry ? { industry } : {}),
    ...(size ? { size } : {}),
  };
}

export function decide(command: CompanyCommand, state: Company): CompanyEvent[] {
  switch (command.type) {
    case 'CreateCompany': {
      const { companyId, profile, now } = command.data;
      if (state.status !== 'none') throw new CompanyAlreadyExists(companyId);
      return [{ type: 'CompanyCreated', data: { companyId, ...profile, at: now } }];
    }
    case 'UpdateCompany': {
      const { companyId, now } = command.data;
      if (state.status === 'none') throw new CompanyNotFound(companyId);
      if (state.status === 'archived') throw new CompanyArchivedError(companyId);
      const { changes, cleared } = changedFields(state.profile, command.data.changes, command.data.cleared);
      if (Object.keys(changes).length === 0 && cleared.length === 0) return [];
      return [{ type: 'CompanyUpdated', data: { companyId, changes, cleared, at: now } }];
    }
    case 'ArchiveCompany': {
      const { companyId, now } = command.data;
      if (state.status === 'none') throw new CompanyNotFound(companyId);
      if (state.status === 'archived') return [];
      return [{ type: 'CompanyArchived', data: { companyId, at: now } }];
    }
  }
}

export function evolve(state: Company, event: CompanyEvent): Company {
  switch (event.type) {
    case 'CompanyCreated': {
      const { companyId, at, ...profile } = event.data;
      return { status: 'active', companyId, profile, createdAt: at, updatedAt: at };
    }
    case 'CompanyUpdated': {
      if (state.status === 'none') return state;
      return { ...state, profile: applyChanges(state.profile, event.data.changes, event.data.cleared), updatedAt: event.data.at };
    }
    case 'CompanyArchived':
      return state.status === 'none' ? state : { ...state, status: 'archived', updatedAt: event.data.at };
  }
}

export const companyDecider: Decider<Company, CompanyCommand, CompanyEvent> = {
  initialState: { status: 'none' },
  decide,
  evolve,
};

export const companyAggregate: Aggregate<Company, CompanyCommand, CompanyEvent> = {
  name: 'company',
  decider: companyDecider,
};
