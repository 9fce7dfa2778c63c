import { Injectable } from '@nestjs/common';
import type { ContactProfile } from '@crm/contracts';
import { InjectRepository, type RepositoryOf } from '@crm/service-kit';
import { normalizeProfile, type ProfileInput } from '../domain/contact-values';
import { CUSTOM_FIELDS_CATALOG_ID, customFieldsAggregate } from '../domain/custom-fields';

/** A profile as given, normalized by the contact rules: with the custom field catalog when custom values need it. */
@Injectable()
export class ContactProfiles {
  constructor(@InjectRepository(customFieldsAggregate) private readonly catalog: RepositoryOf<typeof customFieldsAggregate>) {}

  /** National phone numbers are read in `country` (the contact's); throws InvalidContactData naming every bad value. */
  async normalize(input: ProfileInput, now: string, country?: string): Promise<Partial<ContactProfile>> {
    // The catalog is read only when custom values need checking: most writes do not touch them.
    const customFields = input.customFields ? (await this.catalog.load(CUSTOM_FIELDS_CATALOG_ID)).state.fields : new Map();
    return normalizeProfile(input, { country, customFields, today: now.slice(0, 10) });
  }

  /** A new contact's whole profile: the input normalized, the lists it leaves out empty, a lead unless it says otherwise. */
  async normalizeNew(input: ProfileInput, now: string): Promise<ContactProfile> {
    const profile = await this.normalize(input, now);
    return { emails: [], phones: [], addresses: [], lifecycleStage: 'lead', tags: [], customFields: [], ...profile };
  }
}
