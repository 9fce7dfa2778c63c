import { ContactCreated, ContactUpdated } from '@crm/contracts';
import type { ContactEvent } from '../domain/contact';
import { evolveContactListItem, type ContactListItem } from './contact-list.projection';

const created = { type: 'ContactCreated', data: ContactCreated.example } as ContactEvent;
const contactId = ContactCreated.example.contactId;
const updated = (changes: object): ContactEvent =>
  ({ type: 'ContactUpdated', data: { ...ContactUpdated.example, contactId, changes, cleared: [] } }) as ContactEvent;

describe('contact list item', () => {
  it('lists the custom values a contact is created with', () => {
    expect(evolveContactListItem(undefined, created)?.customFields).toEqual(ContactCreated.example.customFields);
  });

  it('takes the custom values of an update, and keeps them through an update that does not name them', () => {
    const item = evolveContactListItem(undefined, created) as ContactListItem;
    const replaced = evolveContactListItem(item, updated({ customFields: [{ key: 'plan', value: 'pro' }] }));
    expect(replaced?.customFields).toEqual([{ key: 'plan', value: 'pro' }]);
    expect(evolveContactListItem(replaced!, updated({ jobTitle: 'CTO' }))?.customFields).toEqual([{ key: 'plan', value: 'pro' }]);
  });

  it('keeps them when a merge’s values were erased (null changes nothing)', () => {
    const item = evolveContactListItem(undefined, created) as ContactListItem;
    expect(evolveContactListItem(item, updated({ customFields: null }))?.customFields).toEqual(
      ContactCreated.example.customFields,
    );
  });
});
