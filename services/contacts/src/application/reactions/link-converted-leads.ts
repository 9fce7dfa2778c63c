import { Injectable } from '@nestjs/common';
import { LeadConversionRequested, type LeadLinkRefusalReason, type LeadPerson } from '@crm/contracts';
import { InjectRepository, OnEvent, type ReceivedEvent, type RepositoryOf } from '@crm/service-kit';
import { now } from '@crm/platform';
import { contactAggregate, ContactErasedError, ContactNotFound } from '../../domain/contact';
import type { ProfileInput } from '../../domain/contact-values';
import { leadLinkAggregate } from '../../domain/lead-link';
import { ContactLookup } from '../contact-lookup';
import { ContactProfiles } from '../contact-profiles';

/**
 * Contacts' step of a lead's conversion (ADR 0020): the person becomes a contact with the lead's id, or the contact
 * the request names (through its merges) is linked to the lead; ContactLinkedToLead answers sales on the contact's
 * stream, LeadLinkRefused on the lead's link stream when that contact is erased or unknown. Both are decided per lead
 * and attempt, so a request delivered again appends nothing.
 */
@Injectable()
export class LinkConvertedLeads {
  constructor(
    @InjectRepository(contactAggregate) private readonly contacts: RepositoryOf<typeof contactAggregate>,
    @InjectRepository(leadLinkAggregate) private readonly leadLinks: RepositoryOf<typeof leadLinkAggregate>,
    private readonly lookup: ContactLookup,
    private readonly profiles: ContactProfiles,
  ) {}

  @OnEvent(LeadConversionRequested)
  async link(event: ReceivedEvent<typeof LeadConversionRequested>): Promise<void> {
    const { leadId, attempt, person, source, ownerId } = event.data;
    const at = now();
    const { contactId } = await this.lookup.resolve(event.data.contactId ?? leadId);
    // The lead's key seals the new contact's data (its id is the lead's): it exists, so the create is not `expectNew`.
    // The person opens as null once a contact sharing or linking the lead's key was erased since the request: nobody
    // is created again, and the contact there answers (erased, most likely) so that the attempt does not hang.
    const newContact =
      contactId === leadId && !event.personalDataErased
        ? await this.profiles.normalizeNew(profileOf(person, source, ownerId), at)
        : undefined;
    try {
      await this.contacts.handle(contactId, {
        type: 'LinkLead',
        data: { contactId, leadId, attempt, ...(newContact ? { newContact } : {}), now: at },
      });
    } catch (error) {
      const reason = refusalOf(error);
      if (!reason) throw error;
      await this.leadLinks.handle(leadId, { type: 'RefuseLeadLink', data: { leadId, contactId, attempt, reason, now: at } });
    }
  }
}

/** The lead's person as a new contact's profile: an opportunity now, from the lead's source, with its owner. */
function profileOf(person: LeadPerson, source: string, ownerId: string | undefined): ProfileInput {
  return {
    name: person.name,
    emails: person.email ? [{ address: person.email, primary: true }] : [],
    phones: person.phone ? [{ number: person.phone, primary: true }] : [],
    source,
    ...(ownerId ? { ownerId } : {}),
    lifecycleStage: 'opportunity',
  };
}

function refusalOf(error: unknown): LeadLinkRefusalReason | undefined {
  if (error instanceof ContactErasedError) return 'contact-erased';
  if (error instanceof ContactNotFound) return 'contact-not-found';
  return undefined;
}
