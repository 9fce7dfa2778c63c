import { Type } from '@sinclair/typebox';
import { Closed, StringEnum, UtcTimestamp, Uuid } from '../common-schemas';
import { defineEvent, type DataOf } from '../contract';
import { moneySchema } from './money';

/** The fields of a deal that an update may clear. */
export const CLEARABLE_DEAL_FIELDS = ['companyId', 'ownerId', 'expectedCloseDate'] as const;
export type ClearableDealField = (typeof CLEARABLE_DEAL_FIELDS)[number];

const dealId = Uuid({ description: 'The deal.' });
// Fixed for the deal's life: every event of a deal has the same Kafka key, so consumers see them in order.
const contactId = Uuid({ description: 'The customer the deal is with.' });
const pipelineId = Uuid({ description: 'The pipeline the deal goes through; a deal never changes pipeline.' });
const stageId = (description: string) => Uuid({ description });

/** What a user edits on a deal, apart from its stage and its outcome. */
const dealFieldSchemas = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  value: moneySchema,
  companyId: Type.Optional(Uuid({ description: 'The company the deal is with, if any.' })),
  ownerId: Type.Optional(Uuid({ description: 'The user responsible for the deal.' })),
  expectedCloseDate: Type.Optional(
    Type.String({ format: 'date', minLength: 10, maxLength: 10, description: 'A calendar date: `2025-06-30`.' }),
  ),
};

const sales = (title: string) => ({ category: 'sales', title });

export const DealOpened = defineEvent({
  service: 'sales',
  name: 'DealOpened',
  version: 1,
  description: 'A deal (a sales opportunity) with a customer was opened in a stage of a pipeline.',
  customerIdField: 'contactId',
  timeline: sales('Deal opened'),
  schema: Closed({
    dealId,
    pipelineId,
    stageId: stageId('The stage the deal starts in.'),
    contactId,
    ...dealFieldSchemas,
    at: UtcTimestamp({ description: 'When it was opened: the deal entered its first stage then.' }),
  }),
  example: {
    dealId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c3d01',
    pipelineId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2a01',
    stageId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b01',
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    title: '50 seats, annual plan',
    value: { amountMinor: 1_200_000, currency: 'EUR' },
    companyId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e77',
    ownerId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c4e01',
    expectedCloseDate: '2025-03-31',
    at: '2025-01-15T10:30:00.000Z',
  },
});
export type DealOpenedData = DataOf<typeof DealOpened>;

export const DealUpdated = defineEvent({
  service: 'sales',
  name: 'DealUpdated',
  version: 1,
  description:
    "Some of a deal's fields changed: `changes` holds each changed field's new value (a value may change currency), " +
    '`cleared` the optional fields removed. Fields not named kept their value.',
  customerIdField: 'contactId',
  timeline: sales('Deal updated'),
  schema: Closed({
    dealId,
    contactId,
    changes: Type.Partial(Closed(dealFieldSchemas)),
    cleared: Type.Array(StringEnum(CLEARABLE_DEAL_FIELDS), { maxItems: CLEARABLE_DEAL_FIELDS.length, uniqueItems: true }),
    at: UtcTimestamp({ description: 'When it changed.' }),
  }),
  example: {
    dealId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c3d01',
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    changes: { value: { amountMinor: 1_450_000, currency: 'EUR' }, expectedCloseDate: '2025-04-30' },
    cleared: ['companyId'],
    at: '2025-02-10T16:00:00.000Z',
  },
});
export type DealUpdatedData = DataOf<typeof DealUpdated>;

export const DealStageChanged = defineEvent({
  service: 'sales',
  name: 'DealStageChanged',
  version: 1,
  description: 'An open deal moved from one stage of its pipeline to another.',
  customerIdField: 'contactId',
  timeline: sales('Deal moved to another stage'),
  schema: Closed({
    dealId,
    contactId,
    pipelineId,
    fromStageId: stageId('The stage it left.'),
    toStageId: stageId('The stage it entered.'),
    at: UtcTimestamp({ description: 'When it moved: it left one stage and entered the other then.' }),
  }),
  example: {
    dealId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c3d01',
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    pipelineId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2a01',
    fromStageId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b01',
    toStageId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b02',
    at: '2025-02-01T11:00:00.000Z',
  },
});
export type DealStageChangedData = DataOf<typeof DealStageChanged>;

export const DealWon = defineEvent({
  service: 'sales',
  name: 'DealWon',
  version: 1,
  description: 'A deal was won, for its value at that moment.',
  customerIdField: 'contactId',
  timeline: sales('Deal won'),
  schema: Closed({ dealId, contactId, value: moneySchema, at: UtcTimestamp({ description: 'When it was won.' }) }),
  example: {
    dealId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c3d01',
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    value: { amountMinor: 1_450_000, currency: 'EUR' },
    at: '2025-04-22T15:00:00.000Z',
  },
});
export type DealWonData = DataOf<typeof DealWon>;

export const DealLost = defineEvent({
  service: 'sales',
  name: 'DealLost',
  version: 1,
  description: 'A deal was lost, and why.',
  customerIdField: 'contactId',
  timeline: sales('Deal lost'),
  schema: Closed({
    dealId,
    contactId,
    reason: Type.String({ minLength: 1, maxLength: 500 }),
    at: UtcTimestamp({ description: 'When it was lost.' }),
  }),
  example: {
    dealId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c3d01',
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    reason: 'Chose a competitor on price',
    at: '2025-04-22T15:00:00.000Z',
  },
});
export type DealLostData = DataOf<typeof DealLost>;

export const DealReopened = defineEvent({
  service: 'sales',
  name: 'DealReopened',
  version: 1,
  description: 'A won or lost deal was opened again, in a stage of its pipeline.',
  customerIdField: 'contactId',
  timeline: sales('Deal reopened'),
  schema: Closed({
    dealId,
    contactId,
    stageId: stageId('The stage it is open in again.'),
    at: UtcTimestamp({ description: 'When it was reopened: it entered the stage then.' }),
  }),
  example: {
    dealId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c3d01',
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    stageId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b03',
    at: '2025-05-02T09:00:00.000Z',
  },
});
export type DealReopenedData = DataOf<typeof DealReopened>;

export const DealRotted = defineEvent({
  service: 'sales',
  name: 'DealRotted',
  version: 1,
  description: "An open deal stayed in its stage longer than the stage's rotting days: it needs attention.",
  customerIdField: 'contactId',
  timeline: sales('Deal rotting'),
  schema: Closed({
    dealId,
    contactId,
    stageId: stageId('The stage it stayed in too long.'),
    enteredStageAt: UtcTimestamp({ description: 'When it entered that stage.' }),
    rottingDays: Type.Integer({ minimum: 1, maximum: 3650, description: "The stage's rotting days when it was flagged." }),
    at: UtcTimestamp({ description: 'When it was flagged.' }),
  }),
  example: {
    dealId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c3d01',
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    stageId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b02',
    enteredStageAt: '2025-02-01T11:00:00.000Z',
    rottingDays: 21,
    at: '2025-02-22T11:00:00.000Z',
  },
});
export type DealRottedData = DataOf<typeof DealRotted>;
