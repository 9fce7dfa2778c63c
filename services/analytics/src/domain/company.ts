import type { CompanyEvent, CompanySize } from '@crm/contracts';

/** What a profile shows of a company it links to (joined when read). Company data is not personal data. */
export interface CompanySummary {
  companyId: string;
  name: string;
  domains: string[];
  industry?: string;
  size?: CompanySize;
  status: 'active' | 'archived';
  createdAt?: string;
  updatedAt: string;
}

export function evolveCompany(company: CompanySummary | undefined, event: CompanyEvent): CompanySummary | null {
  switch (event.type) {
    case 'CompanyCreated': {
      const { companyId, name, domains, industry, size, at } = event.data;
      return { companyId, name, domains, industry, size, status: 'active', createdAt: at, updatedAt: at };
    }
    case 'CompanyUpdated': {
      if (!company) return null; // its CompanyCreated broke the contract (dead-lettered): nothing to update
      const { changes, cleared, at } = event.data;
      const { name, domains, industry, size } = changes;
      const next: Record<string, unknown> = { ...company, updatedAt: at };
      // Only what changed: a field the update does not name keeps its value.
      for (const [field, value] of Object.entries({ name, domains, industry, size }))
        if (value !== undefined) next[field] = value;
      for (const field of cleared) delete next[field];
      return next as unknown as CompanySummary;
    }
    case 'CompanyArchived':
      return company ? { ...company, status: 'archived', updatedAt: event.data.at } : null;
  }
}
