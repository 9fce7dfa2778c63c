import { dealStreamContracts, type DealEvent, type Money } from '@crm/contracts';
import { defineProjection } from '@crm/projections';
import { defineListQuery } from '@crm/read-api';

/** One stay of a deal in a stage: from when it entered to when it left (moved, won or lost), if it has. */
export interface StageStay {
  stageId: string;
  enteredAt: string;
  leftAt?: string;
  /** Whole days between entering and leaving; a current stay has none yet (a projection has no clock). */
  daysInStage?: number;
}

/** A deal as lists and boards see it: the sales service's own read model, one document per deal. */
export interface DealListItem {
  dealId: string;
  pipelineId: string;
  /** The stage it is in, or was in when it was won or lost. */
  stageId: string;
  contactId: string;
  title: string;
  value: Money;
  companyId?: string;
  ownerId?: string;
  expectedCloseDate?: string;
  status: 'open' | 'won' | 'lost';
  lostReason?: string;
  /** Flagged as rotting during its current stay in the stage; cleared when it moves, closes or is reopened. */
  rotting: boolean;
  /** When it was flagged as rotting, while it is. */
  rottingSince?: string;
  /** Every stay in a stage, oldest first; the last one is the current stay of an open deal. */
  stageHistory: StageStay[];
  openedAt: string;
  /** When it was last won or lost. */
  closedAt?: string;
  updatedAt: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The history with its current stay ended at `at`. */
function leaving(history: readonly StageStay[], at: string): StageStay[] {
  const current = history.at(-1);
  if (!current || current.leftAt !== undefined) return [...history];
  const daysInStage = Math.floor((Date.parse(at) - Date.parse(current.enteredAt)) / DAY_MS);
  return [...history.slice(0, -1), { ...current, leftAt: at, daysInStage }];
}

const entering = (history: readonly StageStay[], stageId: string, at: string): StageStay[] => [
  ...leaving(history, at),
  { stageId, enteredAt: at },
];

/** A new stay, or a closed deal: the rotting flag of the stay before is gone. */
function notRotting<T extends DealListItem>(doc: T): T {
  const { rottingSince: _, ...rest } = doc;
  return { ...rest, rotting: false } as T;
}

/** The latest `at` seen: a deal's events come in order, so this is the last one's. */
const later = (a: string, b: string): string => (Date.parse(b) > Date.parse(a) ? b : a);

export function evolveDealListItem(doc: DealListItem | undefined, event: DealEvent): DealListItem | null {
  if (event.type === 'DealOpened') {
    const { dealId, pipelineId, stageId, contactId, at, ...fields } = event.data;
    return {
      dealId,
      pipelineId,
      stageId,
      contactId,
      ...fields,
      status: 'open',
      rotting: false,
      stageHistory: [{ stageId, enteredAt: at }],
      openedAt: at,
      updatedAt: at,
    };
  }
  // Every other event follows its deal's DealOpened in the stream.
  if (!doc) return null;
  const { at } = event.data;
  const next = { ...doc, updatedAt: later(doc.updatedAt, at) };
  switch (event.type) {
    case 'DealUpdated': {
      const updated: DealListItem = { ...next, ...event.data.changes };
      for (const field of event.data.cleared) delete updated[field];
      return updated;
    }
    case 'DealStageChanged': {
      const { toStageId } = event.data;
      return { ...notRotting(next), stageId: toStageId, stageHistory: entering(doc.stageHistory, toStageId, at) };
    }
    case 'DealWon':
      return {
        ...notRotting(next),
        status: 'won',
        value: event.data.value,
        closedAt: at,
        stageHistory: leaving(doc.stageHistory, at),
      };
    case 'DealLost': {
      const { reason } = event.data;
      const history = leaving(doc.stageHistory, at);
      return { ...notRotting(next), status: 'lost', lostReason: reason, closedAt: at, stageHistory: history };
    }
    case 'DealReopened': {
      const { lostReason: _, ...reopened } = next;
      const { stageId } = event.data;
      return { ...notRotting(reopened), status: 'open', stageId, stageHistory: entering(doc.stageHistory, stageId, at) };
    }
    case 'DealRotted':
      return { ...next, rotting: true, rottingSince: at };
  }
}

/** The sales service's list of deals: one document per deal, with its stage history. */
export const dealListProjection = defineProjection({
  name: 'deal-list',
  collection: 'deal_list',
  handles: dealStreamContracts,
  documentId: (event) => event.data.dealId,
  evolve: (doc: DealListItem | undefined, event) => evolveDealListItem(doc, event),
  // As the contact list's (contact-list.ts): each list starts with its equality filters and goes on with the default
  // order, newest opened first, so that it pages through the index; `_id` is the cursor's tie-breaker.
  indexes: [
    { fields: { openedAt: 1, _id: 1 } },
    { fields: { updatedAt: 1, _id: 1 } },
    // A pipeline's board, stage by stage; and a pipeline's deals whatever their stage.
    { fields: { pipelineId: 1, stageId: 1, openedAt: 1, _id: 1 } },
    { fields: { pipelineId: 1, openedAt: 1, _id: 1 } },
    { fields: { contactId: 1, openedAt: 1, _id: 1 } },
    { fields: { ownerId: 1, openedAt: 1, _id: 1 } },
    { fields: { stageId: 1, openedAt: 1, _id: 1 } },
    { fields: { status: 1, openedAt: 1, _id: 1 } },
    // The deals that need attention: rotting, in a pipeline or anywhere.
    { fields: { rotting: 1, openedAt: 1, _id: 1 } },
    { fields: { pipelineId: 1, rotting: 1, openedAt: 1, _id: 1 } },
  ],
});

/**
 * What the deal list filters and sorts on: a board is `pipelineId` and `stageId`, a pipeline's open deals `status`,
 * the deals that need attention `rotting=true`.
 */
export const dealListQuery = defineListQuery({
  readModel: dealListProjection,
  fields: {
    pipelineId: { type: 'uuid' },
    stageId: { type: 'uuid' },
    contactId: { type: 'uuid' },
    ownerId: { type: 'uuid' },
    status: { type: 'enum', values: ['open', 'won', 'lost'] },
    rotting: { type: 'boolean' },
    openedAt: { type: 'date-time' },
    updatedAt: { type: 'date-time' },
  },
  sortable: ['openedAt', 'updatedAt'],
  defaultSort: '-openedAt',
});
