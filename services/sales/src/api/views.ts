import { Type, type Static } from '@sinclair/typebox';
import {
  Closed,
  CONVERSION_FAILURE_REASONS,
  CurrencyCode,
  DISQUALIFICATION_REASONS,
  LEAD_SOURCES,
  leadPersonSchema,
  keptStageSchema,
  MinorAmount,
  moneySchema,
  ORDER_STATUSES,
  orderLineSchema,
  productNameSchema,
  skuSchema,
  StringEnum,
  UtcTimestamp,
  Uuid,
} from '@crm/contracts';
import { namedType as named, sameShape } from '@crm/platform/nest';
import { historyEntryType, type HistoryEntry } from '@crm/service-kit';
import type { DealHistory, StageTime } from '../application/deal-history';
import type { PipelineListItem, ProductListItem } from '../application/read-models/catalog-lists';
import type { LeadListItem } from '../application/queries/sales-queries';
import type { DealListItem } from '../application/read-models/deal-list';
import { LEAD_STATUSES } from '../application/read-models/lead-list';
import type { PurchaseHistoryEntry } from '../application/read-models/purchase-history';
import type { DealView, LeadView, OrderView, PipelineView, ProductView } from '../application/sales-views';

// The response bodies, written from the contracts' schemas and held to the handlers' types.

const revision = Type.Integer({ minimum: 0, description: 'The stream revision this view shows: its ETag.' });
const pipelineFields = {
  pipelineId: Uuid(),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  stages: Type.Array(keptStageSchema, { description: 'In order; retired stages after the others.' }),
  createdAt: UtcTimestamp(),
  updatedAt: UtcTimestamp(),
};

const pipelineViewSchema = Closed({ ...pipelineFields, revision });
sameShape<Static<typeof pipelineViewSchema>, PipelineView>(true);
export const pipelineView = named<PipelineView>('Pipeline', pipelineViewSchema);

const listedPipelineSchema = Closed(pipelineFields);
sameShape<Static<typeof listedPipelineSchema>, PipelineListItem>(true);
export const listedPipeline = named<PipelineListItem>('ListedPipeline', listedPipelineSchema);

const dealStatus = StringEnum(['open', 'won', 'lost'] as const);
const dealFields = {
  dealId: Uuid(),
  status: dealStatus,
  contactId: Uuid({ description: 'The customer.' }),
  pipelineId: Uuid(),
  stageId: Uuid({ description: 'The stage it is in, or was in when it was won or lost.' }),
  rotting: Type.Boolean({ description: 'Stayed longer than its stage allows during the current stay.' }),
  title: Type.String({ minLength: 1, maxLength: 200 }),
  value: moneySchema,
  companyId: Type.Optional(Uuid()),
  ownerId: Type.Optional(Uuid()),
  expectedCloseDate: Type.Optional(Type.String({ format: 'date' })),
  lostReason: Type.Optional(Type.String()),
  openedAt: UtcTimestamp(),
  closedAt: Type.Optional(UtcTimestamp({ description: 'When it was last won or lost.' })),
  updatedAt: UtcTimestamp(),
};

const dealViewSchema = Closed({
  ...dealFields,
  enteredStageAt: UtcTimestamp({ description: 'When its current stay in the stage began.' }),
  revision,
});
sameShape<Static<typeof dealViewSchema>, DealView>(true);
export const dealView = named<DealView>('Deal', dealViewSchema);

const stageStaySchema = Closed({
  stageId: Uuid(),
  enteredAt: UtcTimestamp(),
  leftAt: Type.Optional(UtcTimestamp()),
  daysInStage: Type.Optional(Type.Integer({ minimum: 0, description: 'Whole days of a stay that is over.' })),
});
const listedDealSchema = Closed({
  ...dealFields,
  rottingSince: Type.Optional(UtcTimestamp({ description: 'When it was flagged as rotting, while it is.' })),
  stageHistory: Type.Array(stageStaySchema, { description: 'Every stay in a stage, oldest first.' }),
});
sameShape<Static<typeof listedDealSchema>, DealListItem>(true);
export const listedDeal = named<DealListItem>('ListedDeal', listedDealSchema);

const productStatus = StringEnum(['active', 'retired'] as const);
const productFields = {
  productId: Uuid({ description: 'Derived from the SKU: one SKU is one product.' }),
  status: productStatus,
  sku: skuSchema,
  name: productNameSchema,
  prices: Type.Array(moneySchema, { description: 'The list price per currency.' }),
  createdAt: UtcTimestamp(),
  updatedAt: UtcTimestamp(),
};

const productViewSchema = Closed({ ...productFields, revision });
sameShape<Static<typeof productViewSchema>, ProductView>(true);
export const productView = named<ProductView>('Product', productViewSchema);

const listedProductSchema = Closed({
  ...productFields,
  currencies: Type.Array(CurrencyCode(), { description: 'The currencies it has a price in.' }),
});
sameShape<Static<typeof listedProductSchema>, ProductListItem>(true);
export const listedProduct = named<ProductListItem>('ListedProduct', listedProductSchema);

const orderStatus = StringEnum(ORDER_STATUSES);
const orderViewSchema = Closed({
  orderId: Uuid(),
  status: orderStatus,
  contactId: Uuid({ description: 'The customer.' }),
  dealId: Type.Optional(Uuid({ description: 'The won deal it came of.' })),
  currency: CurrencyCode(),
  totalMinor: MinorAmount(),
  refundedMinor: MinorAmount({ description: 'Refunded so far.' }),
  lines: Type.Array(
    Closed({
      lineId: Uuid(),
      quantity: Type.Integer({ minimum: 1 }),
      totalMinor: MinorAmount(),
      refundedQuantity: Type.Integer({ minimum: 0 }),
    }),
  ),
  fulfilled: Type.Boolean(),
  revision,
});
sameShape<Static<typeof orderViewSchema>, OrderView>(true);
export const orderView = named<OrderView>('Order', orderViewSchema);

const purchaseSchema = Closed({
  orderId: Uuid(),
  contactId: Uuid(),
  dealId: Type.Optional(Uuid()),
  status: orderStatus,
  currency: CurrencyCode(),
  subtotalMinor: MinorAmount(),
  discountMinor: MinorAmount(),
  totalMinor: MinorAmount(),
  refundedMinor: MinorAmount(),
  lines: Type.Array(
    Type.Composite([orderLineSchema, Closed({ refundedQuantity: Type.Integer({ minimum: 0 }) })], {
      additionalProperties: false,
    }),
  ),
  placedAt: UtcTimestamp(),
  paidAt: Type.Optional(UtcTimestamp()),
  fulfilledAt: Type.Optional(UtcTimestamp()),
  cancelledAt: Type.Optional(UtcTimestamp()),
});
sameShape<Static<typeof purchaseSchema>, PurchaseHistoryEntry>(true);
export const purchase = named<PurchaseHistoryEntry>('Purchase', purchaseSchema);

export const historyEntry = historyEntryType('SalesHistoryEntry', 'A field of the order, pipeline, product, deal or lead.');

const historySchema = Closed({ items: Type.Array(historyEntry) });
sameShape<Static<typeof historySchema>, { items: HistoryEntry[] }>(true);
export const history = named<{ items: HistoryEntry[] }>('SalesHistory', historySchema);

const stageTimeSchema = Closed({
  stageId: Uuid(),
  name: Type.Optional(Type.String({ description: 'The stage’s name now.' })),
  enteredAt: UtcTimestamp(),
  leftAt: Type.Optional(UtcTimestamp({ description: 'When it moved on, was won or lost; absent while it is there.' })),
  durationMs: Type.Integer({ description: 'From entering to leaving, or to now for the current stay.' }),
});
sameShape<Static<typeof stageTimeSchema>, StageTime>(true);

const dealHistorySchema = Closed({
  items: Type.Array(historyEntry),
  stages: Type.Array(stageTimeSchema, { description: 'Every stay in a stage, oldest first, with the time spent there.' }),
});
sameShape<Static<typeof dealHistorySchema>, DealHistory>(true);
export const dealHistory = named<DealHistory>('DealHistory', dealHistorySchema);

const leadStatus = StringEnum(LEAD_STATUSES);
const leadSource = StringEnum(LEAD_SOURCES, { description: 'Where the lead came from.' });
// Absent once the person's data is erased.
const person = Type.Optional(leadPersonSchema);
const leadFields = {
  leadId: Uuid({ description: 'The customer id of the person until they are a contact.' }),
  companyName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  campaignId: Type.Optional(Uuid()),
  referredBy: Type.Optional(Uuid({ description: 'The contact who referred them.' })),
  ownerId: Type.Optional(Uuid()),
  contactId: Type.Optional(Uuid({ description: 'The contact the person is: converted, or linked by an attempt that failed.' })),
  createdAt: UtcTimestamp(),
};

const liveLeadSchema = Closed({
  ...leadFields,
  status: StringEnum(LEAD_STATUSES.filter((status) => status !== 'erased')),
  person,
  notes: Type.Optional(Type.String({ minLength: 1, maxLength: 5000 })),
  source: leadSource,
  disqualification: Type.Optional(
    Closed({ reason: StringEnum(DISQUALIFICATION_REASONS), note: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })) }),
  ),
  conversion: Type.Optional(
    Closed(
      {
        attempt: Type.Integer({ minimum: 1 }),
        contactId: Type.Optional(Uuid({ description: 'The existing contact to link; a new one is created without it.' })),
        ownerId: Type.Optional(Uuid({ description: 'The deal’s owner.' })),
        pipelineId: Uuid(),
        dealId: Uuid({ description: 'The deal it opens: derived from the lead.' }),
        deal: Closed({ title: Type.String({ minLength: 1, maxLength: 200 }), amount: moneySchema }),
        requestedAt: UtcTimestamp(),
      },
      { description: 'The latest conversion attempt.' },
    ),
  ),
  converted: Type.Optional(Closed({ contactCreated: Type.Boolean(), dealId: Uuid(), at: UtcTimestamp() })),
  failure: Type.Optional(
    Closed(
      {
        attempt: Type.Integer({ minimum: 1 }),
        reason: StringEnum(CONVERSION_FAILURE_REASONS),
        detail: Type.Optional(Type.String()),
        at: UtcTimestamp(),
      },
      { description: 'Why the latest attempt failed; another may follow.' },
    ),
  ),
  updatedAt: UtcTimestamp(),
  revision,
});
const erasedLeadSchema = Closed({
  leadId: Uuid(),
  status: Type.Literal('erased'),
  createdAt: UtcTimestamp(),
  erasedAt: UtcTimestamp(),
  revision,
});
const leadViewSchema = Type.Union([liveLeadSchema, erasedLeadSchema]);
sameShape<Static<typeof leadViewSchema>, LeadView>(true);
export const leadView = named<LeadView>('Lead', leadViewSchema);

const listedLeadSchema = Closed({
  ...leadFields,
  status: leadStatus,
  person,
  notes: Type.Optional(Type.String({ minLength: 1, maxLength: 5000 })),
  source: leadSource,
  disqualificationReason: Type.Optional(StringEnum(DISQUALIFICATION_REASONS)),
  disqualificationNote: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
  attempt: Type.Optional(Type.Integer({ minimum: 1, description: 'The latest conversion attempt.' })),
  dealId: Type.Optional(Uuid({ description: 'The deal the conversion opened.' })),
  failureReason: Type.Optional(StringEnum(CONVERSION_FAILURE_REASONS)),
  updatedAt: UtcTimestamp(),
});
sameShape<Static<typeof listedLeadSchema>, LeadListItem>(true);
export const listedLead = named<LeadListItem>('ListedLead', listedLeadSchema);
