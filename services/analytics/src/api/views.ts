import { Type, type Static } from '@sinclair/typebox';
import {
  Closed,
  companyLinkSchema,
  consentEntrySchema,
  crmContracts,
  e164Schema,
  Email,
  fullPersonNameSchema,
  INTERACTION_CHANNELS,
  INTERACTION_DIRECTIONS,
  moneySchema,
  OneOf,
  openedSchema,
  profileFieldSchemas,
  skuSchema,
  StringEnum,
  UtcTimestamp,
  Uuid,
} from '@crm/contracts';
import { namedSchema, namedType, sameShape } from '@crm/platform/nest';
import { timelineCategories } from '../application/read-models/customer-events';
import type { BoughtWithAnswer, ProductCustomersPage } from '../application/queries/products';
import type { CustomerHeader, ProfileView, TimelineItem, TimelinePage } from '../application/views';
import type { SalesFacts } from '../domain/sales-record';
import { TIMELINE_EVENT_TYPES } from './customer.dto';

// The bodies analytics answers with, as OpenAPI schemas: written once in TypeBox from the contracts' own schemas, and
// held to the types the queries return (a drift fails to compile), so the document says what the handlers send.

const headerFields = {
  customerId: Uuid({ description: 'The customer answering: the survivor when the requested id was merged.' }),
  mergedInto: Type.Optional(Uuid({ description: 'Set when the requested contact is merged: the survivor it resolved to.' })),
  contactIds: Type.Array(Uuid(), {
    minItems: 1,
    description: 'The survivor, then every contact merged into it: whose histories are combined.',
  }),
};
sameShape<Static<ReturnType<typeof Closed<typeof headerFields>>>, CustomerHeader>(true);

// Plain strings in the types (a timeline keeps what arrived); their documented values are the contracts' lists.
const oneOf = (values: readonly string[], description?: string) => Type.String({ enum: [...values], description });

const timelineItemSchema = Closed({
  eventId: Uuid(),
  customerId: Uuid({ description: 'The contact the event names (a merged contact keeps its own id).' }),
  type: oneOf(TIMELINE_EVENT_TYPES, 'The event.'),
  source: Type.String({ description: 'The producing service.', example: 'contacts' }),
  category: oneOf(timelineCategories),
  title: Type.String({ description: 'How the event reads, as its contract presents it.', example: 'Interaction logged' }),
  channel: Type.Optional(oneOf(INTERACTION_CHANNELS, 'Interactions only: how the customer was in touch.')),
  direction: Type.Optional(oneOf(INTERACTION_DIRECTIONS, 'Interactions only.')),
  occurredAt: UtcTimestamp({ description: "An interaction's occurredAt, else the event's at." }),
  recordedAt: UtcTimestamp({ description: 'When the producing store recorded it.' }),
  actor: Type.Optional(Type.String({ description: 'Who did it (user or service id).' })),
  correlationId: Type.Optional(Type.String()),
  position: Type.String({
    pattern: '^\\d{20}\\.\\d{20}$',
    description: 'Store position: orders entries that occurred at the same time.',
  }),
  data: Type.Unsafe<unknown>({
    // Any timeline event's: `type` names which.
    anyOf: TIMELINE_EVENT_TYPES.map((name) => namedSchema(`${name}Data`, openedSchema(crmContracts.get(name)))),
    description: "The event's data in its contract's current version; personal values are null once the person was erased.",
  }),
});
sameShape<Static<typeof timelineItemSchema>, TimelineItem>(true);
export const timelineItem = namedType<TimelineItem>('TimelineItem', timelineItemSchema);

const timelinePageSchema = Closed({
  ...headerFields,
  items: Type.Array(timelineItem),
  next: Type.Optional(Type.String({ description: 'Cursor of the next page; absent on the last one.' })),
});
sameShape<Static<typeof timelinePageSchema>, TimelinePage>(true);
export const timelinePage = namedType<TimelinePage>('TimelinePage', timelinePageSchema);

const companyStatus = StringEnum(['active', 'archived'] as const);
const companyLinkViewSchema = Type.Composite(
  [
    companyLinkSchema,
    Closed({
      linkedAt: UtcTimestamp({ description: 'When the link was first made.' }),
      name: Type.Optional(Type.String({ description: 'The company; absent while analytics has not seen it yet.' })),
      companyStatus: Type.Optional(companyStatus),
    }),
  ],
  { additionalProperties: false },
);

const channelStatsSchema = Closed({
  count: Type.Integer({ minimum: 1 }),
  lastAt: UtcTimestamp({ description: 'The latest interaction on the channel.' }),
});
const interactionSummarySchema = Closed({
  total: Type.Integer({ minimum: 0 }),
  byChannel: Type.Unsafe<Record<string, Static<typeof channelStatsSchema>>>({
    type: 'object',
    additionalProperties: channelStatsSchema,
    description: `Per channel (${INTERACTION_CHANNELS.join(', ')}), merged contacts included.`,
  }),
});

export const productBoughtSchema = Closed({
  productId: Uuid(),
  sku: skuSchema,
  name: Type.String({ description: 'Its name on the latest order that bought it.' }),
  quantity: Type.Integer({ minimum: 1, description: 'Units of paid orders, less those refunded.' }),
});

const salesFactsSchema = Closed(
  {
    lifetimeValue: Type.Array(moneySchema, {
      description:
        'Per currency (sorted by code): what paid orders brought in minus what was refunded on them, in minor units. ' +
        'Placed-only and cancelled orders count nothing.',
    }),
    firstPurchaseAt: Type.Optional(
      UtcTimestamp({ description: 'When the first purchase (a paid order not fully refunded) was paid.' }),
    ),
    lastPurchaseAt: Type.Optional(UtcTimestamp({ description: 'When the latest purchase was paid.' })),
    products: Type.Array(productBoughtSchema, { description: 'Every product bought, by product id.' }),
    openDeals: Type.Array(
      Closed({
        dealId: Uuid(),
        pipelineId: Uuid(),
        stageId: Uuid({ description: 'The stage it is in.' }),
        title: Type.String(),
        value: moneySchema,
        openedAt: UtcTimestamp(),
        stageEnteredAt: UtcTimestamp({ description: 'When it entered its stage.' }),
      }),
      { description: 'Deals neither won nor lost, oldest first.' },
    ),
  },
  { description: 'Orders and deals of the customer and of the contacts merged into it.' },
);
sameShape<Static<typeof salesFactsSchema>, SalesFacts>(true);

const { locale, timezone, country, jobTitle, source, sourceCreatedAt, ownerId, tags } = profileFieldSchemas;
const liveProfileSchema = Closed({
  ...headerFields,
  status: StringEnum(['active', 'archived', 'merged'] as const),
  displayName: Type.Optional(
    Type.String({ description: 'The full name, else the primary e-mail address, else the primary phone number.' }),
  ),
  name: Type.Optional(fullPersonNameSchema),
  email: Type.Optional(Email({ description: 'The primary e-mail address.' })),
  phone: Type.Optional({ ...e164Schema, description: 'The primary phone number.' }),
  phoneExtension: Type.Optional({ ...profileFieldSchemas.phones.items.properties.extension, description: 'Its extension.' }),
  country,
  locale,
  timezone,
  jobTitle,
  source,
  sourceCreatedAt,
  lifecycleStage: Type.Optional(profileFieldSchemas.lifecycleStage),
  tags,
  ownerId,
  companies: Type.Array(companyLinkViewSchema, { description: 'Company links, with the company’s name and status.' }),
  consents: Type.Array(consentEntrySchema, { description: 'The current consent per channel and purpose (latest `at`).' }),
  interactions: interactionSummarySchema,
  firstSeenAt: UtcTimestamp(),
  lastSeenAt: UtcTimestamp(),
  createdAt: Type.Optional(UtcTimestamp()),
  archivedAt: Type.Optional(UtcTimestamp()),
  sales: salesFactsSchema,
});
const erasedProfileSchema = Closed({
  ...headerFields,
  status: StringEnum(['erased'] as const),
  erasedAt: Type.Optional(UtcTimestamp({ description: 'Erased customers show nothing else.' })),
});
const profileSchema = OneOf([liveProfileSchema, erasedProfileSchema]);
sameShape<Static<typeof profileSchema>, ProfileView>(true);
export const profileView = namedType<ProfileView>('CustomerProfile', profileSchema);

const productCustomersPageSchema = Closed({
  productId: Uuid({ description: 'The product bought.' }),
  notBought: Type.Optional(Uuid({ description: 'The product none of them bought, when asked.' })),
  items: Type.Array(
    Closed({
      customerId: Uuid({ description: 'The customer: a survivor stands for the contacts merged into it.' }),
      quantity: Type.Integer({ minimum: 1, description: 'The units of the product it bought (paid, not refunded).' }),
    }),
    { description: 'By customer id.' },
  ),
  next: Type.Optional(Type.String({ description: 'Cursor of the next page; absent on the last one.' })),
});
sameShape<Static<typeof productCustomersPageSchema>, ProductCustomersPage>(true);
export const productCustomersPage = namedType<ProductCustomersPage>('ProductCustomersPage', productCustomersPageSchema);

const boughtWithSchema = Closed({
  productId: Uuid({ description: 'The product bought.' }),
  customers: Type.Integer({ minimum: 0, description: 'How many customers bought it.' }),
  items: Type.Array(
    Closed({
      productId: Uuid(),
      sku: skuSchema,
      name: Type.String({ description: 'Its name on an order that bought it.' }),
      customers: Type.Integer({ minimum: 1, description: 'How many of those customers bought this one too.' }),
      quantity: Type.Integer({ minimum: 1, description: 'The units of this one they bought.' }),
    }),
    { description: 'Most customers first, then most units, then product id.' },
  ),
});
sameShape<Static<typeof boughtWithSchema>, BoughtWithAnswer>(true);
export const boughtWithAnswer = namedType<BoughtWithAnswer>('BoughtWith', boughtWithSchema);
