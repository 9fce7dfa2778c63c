import { spec } from '@crm/eventsourcing/testing';
import { CompanyAlreadyExists, CompanyArchivedError, companyDecider, CompanyNotFound } from './company';
import { customFieldDecider, CustomFieldTypeChange, InvalidCustomFieldDefinition } from './custom-fields';
import type { InteractionEvent } from '@crm/contracts';
import { interactionDecider } from './interaction';

const t1 = '2026-01-01T10:00:00.000Z';
const t2 = '2026-01-02T10:00:00.000Z';
const companyId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e77';
const profile = { name: 'Analytical Engines Ltd', domains: ['analytical.example'], addresses: [] };

describe('Company', () => {
  const created = { type: 'CompanyCreated', data: { companyId, ...profile, at: t1 } } as const;
  it('is created once', () => {
    spec(companyDecider)
      .given([])
      .when({ type: 'CreateCompany', data: { companyId, profile, now: t1 } })
      .then([created]);
    spec(companyDecider)
      .given([created])
      .when({ type: 'CreateCompany', data: { companyId, profile, now: t2 } })
      .thenThrows(CompanyAlreadyExists);
  });

  it('records changed and cleared fields only', () => {
    const update = (changes: object, cleared: ('industry' | 'size')[] = []) =>
      ({ type: 'UpdateCompany', data: { companyId, changes, cleared, now: t2 } }) as const;
    spec(companyDecider)
      .given([created])
      .when(update({ name: profile.name, size: '11-50' }, ['industry']))
      .then([{ type: 'CompanyUpdated', data: { companyId, changes: { size: '11-50' }, cleared: [], at: t2 } }]);
    spec(companyDecider)
      .given([created])
      .when(update({ name: profile.name }))
      .then([]);
    spec(companyDecider)
      .given([])
      .when(update({ name: 'x' }))
      .thenThrows(CompanyNotFound);
    spec(companyDecider)
      .given([created, { type: 'CompanyArchived', data: { companyId, at: t2 } }])
      .when(update({ name: 'x' }))
      .thenThrows(CompanyArchivedError);
  });
});

describe('Interaction', () => {
  const interaction = {
    interactionId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e55',
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    channel: 'note',
    direction: 'internal',
    occurredAt: t1,
    participants: [],
    externalId: 'x-1',
  } as const;
  const logged: InteractionEvent = { type: 'InteractionLogged', data: { ...interaction, participants: [], at: t2 } };

  it('is logged once: posting the same external id again creates nothing', () => {
    spec(interactionDecider)
      .given([])
      .when({ type: 'LogInteraction', data: { interaction: { ...interaction, participants: [] }, now: t2 } })
      .then([logged]);
    spec(interactionDecider)
      .given([logged])
      .when({ type: 'LogInteraction', data: { interaction: { ...interaction, participants: [], body: 'other' }, now: t2 } })
      .then([]);
  });
});

describe('Custom field catalog', () => {
  const define = (type: 'number' | 'single-select' | 'text', options?: string[], label = 'Plan') =>
    ({ type: 'DefineCustomField', data: { key: 'plan', label, type, ...(options ? { options } : {}), now: t1 } }) as const;
  const defined = (options: string[], label = 'Plan') =>
    ({ type: 'CustomFieldDefined', data: { key: 'plan', label, type: 'single-select', options, at: t1 } }) as const;

  it('declares a field, adds options and relabels, and ignores the same declaration', () => {
    spec(customFieldDecider)
      .given([])
      .when(define('single-select', ['a']))
      .then([defined(['a'])]);
    spec(customFieldDecider)
      .given([defined(['a'])])
      .when(define('single-select', ['a', 'b']))
      .then([defined(['a', 'b'])]);
    spec(customFieldDecider)
      .given([defined(['a'])])
      .when(define('single-select', ['a'], 'Tier'))
      .then([defined(['a'], 'Tier')]);
    spec(customFieldDecider)
      .given([defined(['a'])])
      .when(define('single-select', ['a']))
      .then([]);
  });

  it('never changes a type or removes an option (stored values would stop fitting)', () => {
    spec(customFieldDecider)
      .given([defined(['a'])])
      .when(define('text'))
      .thenThrows(CustomFieldTypeChange);
    spec(customFieldDecider)
      .given([defined(['a', 'b'])])
      .when(define('single-select', ['a']))
      .thenThrows(InvalidCustomFieldDefinition);
  });

  it('wants options for select fields only', () => {
    spec(customFieldDecider).given([]).when(define('single-select')).thenThrows(InvalidCustomFieldDefinition);
    spec(customFieldDecider)
      .given([])
      .when(define('number', ['1']))
      .thenThrows(InvalidCustomFieldDefinition);
  });
});
