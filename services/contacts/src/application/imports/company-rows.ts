import { INTERNET_DOMAIN_PATTERN, type CompanyProfile, type PostalAddress } from '@crm/contracts';
import {
  isUuid,
  listItems,
  mergeByField,
  readCountryCell,
  readExternalIdCell,
  rowFailure,
  withoutUndefined,
  type RowFieldError,
  type RowResult,
} from '@crm/csv';
import { inputErrors } from '@crm/platform/nest';
import { sameValue } from '../../domain/changes';
import { normalizeDomain } from '../../domain/company';
import { CreateCompanyDto, UpdateCompanyDto } from '../inputs/company.dto';
import type { CompanyField } from './import-columns';

/** A companies CSV row read into the import's terms. */
export interface CompanyRow {
  companyId?: string;
  externalId?: string;
  name?: string;
  /** Normalized (lower case, no `www.`). */
  domains: string[];
  industry?: string;
  size?: string;
  address?: Partial<PostalAddress>;
}

const DOMAIN = new RegExp(INTERNET_DOMAIN_PATTERN);

/** A domain cell, which exports often fill with a website: `https://www.acme.com/about` → `acme.com`. */
export const domainOfCell = (cell: string): string =>
  normalizeDomain(
    cell
      .trim()
      .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
      .replace(/[/?#:].*$/, ''),
  );

export function readCompanyRow(values: Partial<Record<CompanyField, string>>): RowResult<CompanyRow> {
  if (values.companyId !== undefined && !isUuid(values.companyId)) {
    return rowFailure([{ field: 'companyId', messages: ['must be a UUID'] }]);
  }
  const addressParts = { city: values.city, region: values.region, postalCode: values.postalCode };
  const hasAddress = [values.street, values.addressCountry, ...Object.values(addressParts)].some((v) => v !== undefined);
  const errors: RowFieldError[] = [];
  const country = readCountryCell(values.addressCountry, 'addressCountry', errors);
  const externalId = readExternalIdCell(values.externalId, 'externalId', errors);
  if (errors.length > 0) return rowFailure(errors);
  return {
    ok: true,
    value: withoutUndefined({
      companyId: values.companyId?.toLowerCase(),
      externalId,
      name: values.name,
      domains: [...new Set((listItems(values.domains) ?? []).map(domainOfCell))],
      industry: values.industry,
      size: values.size,
      address: hasAddress
        ? withoutUndefined({
            lines: listItems(values.street) ?? [],
            ...addressParts,
            country,
          })
        : undefined,
    }),
  };
}

export type CompanyWrite = { action: 'create'; profile: CompanyProfile } | { action: 'update'; changes: Partial<CompanyProfile> };

/**
 * The create or update a companies row amounts to, checked as `POST`/`PATCH /v1/companies` check a body.
 * An update sets what the row gives; domains and addresses are added to the company's, never removed.
 */
export function companyWrite(row: CompanyRow, existing: CompanyProfile | undefined): RowResult<CompanyWrite> {
  if (!existing && row.name === undefined) return rowFailure([{ field: 'name', messages: ['is needed to create a company'] }]);
  const domains = existing ? [...new Set([...existing.domains, ...row.domains])] : row.domains;
  const addresses = row.address ? mergeAddresses(existing?.addresses ?? [], row.address as PostalAddress) : undefined;
  const body = withoutUndefined({
    ...(existing ? {} : { companyId: row.companyId }),
    name: row.name?.trim(),
    domains: row.domains.length > 0 ? domains : undefined,
    industry: row.industry,
    size: row.size,
    addresses,
  });
  const errors = inputErrors(existing ? UpdateCompanyDto : CreateCompanyDto, body).map(({ field, messages }) =>
    companyError(field, messages),
  );
  // The controller's domain rule: a domain must be an internet domain once normalized.
  const bad = row.domains.filter((domain) => !DOMAIN.test(domain));
  if (bad.length > 0) errors.push({ field: 'domains', messages: bad.map((d) => `"${d}" is not an internet domain`) });
  if (errors.length > 0) return rowFailure(mergeByField(errors));

  const { companyId: _, ...fields } = body;
  if (existing) return { ok: true, value: { action: 'update', changes: fields as Partial<CompanyProfile> } };
  return {
    ok: true,
    value: {
      action: 'create',
      profile: { ...fields, domains: fields.domains ?? [], addresses: fields.addresses ?? [] } as CompanyProfile,
    },
  };
}

function mergeAddresses(existing: readonly PostalAddress[], address: PostalAddress): PostalAddress[] {
  const unlabelled = ({ label: _, ...rest }: PostalAddress) => rest;
  return existing.some((known) => sameValue(unlabelled(known), address)) ? [...existing] : [...existing, address];
}

const ADDRESS_FIELDS: Record<string, CompanyField> = {
  lines: 'street',
  city: 'city',
  region: 'region',
  postalCode: 'postalCode',
  country: 'addressCountry',
};

function companyError(path: string, messages: readonly string[]): RowFieldError {
  const [head, rest] = /^(\w+)(?:\[\d+\])?(?:\.(\w+))?/.exec(path)?.slice(1) ?? [path];
  return { field: head === 'addresses' ? (ADDRESS_FIELDS[rest ?? 'lines'] ?? 'street') : head, messages: [...messages] };
}
