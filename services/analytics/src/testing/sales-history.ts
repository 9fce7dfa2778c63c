import type { DealEvent, OrderEvent, PipelineEvent, SalesEvent } from '@crm/contracts';

/** A stream of the sales service's events, as its store holds them: `deal-<id>`, `pipeline-<id>`, `order-<id>`. */
export interface SalesStream {
  stream: string;
  events: SalesEvent[];
}

/** A small deterministic PRNG (mulberry32): the same seed gives the same inputs on every run. `uuid`: a version 7 shape. */
export function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)];
  const uuid = () => {
    const hex = Array.from({ length: 30 }, () => int(0, 15).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(12, 15)}-8${hex.slice(15, 18)}-${hex.slice(18)}`;
  };
  return { next, int, pick, uuid };
}

const HOUR = 3_600_000;
const START = Date.parse('2025-01-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A seeded random sales history: two pipelines (one with its stages changed along the way), a few hundred deals that
 * move, change value and owner, are won, lost and reopened, and orders that are paid, refunded or cancelled, each
 * stream in time order. What the reports are checked on, against a plain recomputation from the same events.
 */
export function randomSalesHistory(seed: number, deals = 300, orders = 150): SalesStream[] {
  const random = prng(seed);
  const owners = Array.from({ length: 4 }, random.uuid);
  const contacts = Array.from({ length: 25 }, random.uuid);
  const products = Array.from({ length: 5 }, random.uuid);
  const currencies = ['EUR', 'USD'];
  const streams: SalesStream[] = [];

  const pipelines = [0, 1].map((index) => {
    const pipelineId = random.uuid();
    const stages = ['Qualified', 'Demo', 'Proposal', 'Negotiation'].map((name, position) => ({
      stageId: random.uuid(),
      name,
      winProbability: [10, 25, 45, 75][position] + index * 3,
    }));
    const events: PipelineEvent[] = [
      { type: 'PipelineCreated', data: { pipelineId, name: `Pipeline ${index + 1}`, stages, at: iso(START - 24 * HOUR) } },
    ];
    if (index === 0) {
      // In April, the first pipeline's stages are reweighted, reordered and one retired.
      const [qualified, demo, proposal, negotiation] = stages;
      events.push({
        type: 'PipelineStagesChanged',
        data: {
          pipelineId,
          stages: [
            { ...qualified, winProbability: 15 },
            { ...proposal, winProbability: 33 },
            { ...demo, winProbability: 20 },
            { ...negotiation, winProbability: 80, retired: true },
          ],
          at: '2025-04-01T00:00:00.000Z',
        },
      });
    }
    streams.push({ stream: `pipeline-${pipelineId}`, events });
    return { pipelineId, stageIds: stages.map((stage) => stage.stageId) };
  });

  for (let index = 0; index < deals; index++) {
    const dealId = random.uuid();
    const contactId = random.pick(contacts);
    const { pipelineId, stageIds } = random.pick(pipelines);
    let at = START + random.int(0, 180 * 24) * HOUR;
    let stageId = random.pick(stageIds);
    let status: 'open' | 'won' | 'lost' = 'open';
    let value = { amountMinor: random.int(1, 5_000_00), currency: random.pick(currencies) };
    const events: DealEvent[] = [
      {
        type: 'DealOpened',
        data: {
          dealId,
          pipelineId,
          stageId,
          contactId,
          title: `Deal ${index}`,
          value,
          ownerId: random.pick(owners),
          at: iso(at),
        },
      },
    ];
    for (let step = random.int(0, 6); step > 0; step--) {
      at += random.int(1, 20 * 24) * HOUR;
      const roll = random.next();
      if (status !== 'open') {
        if (roll < 0.4) {
          stageId = random.pick(stageIds);
          status = 'open';
          events.push({ type: 'DealReopened', data: { dealId, contactId, stageId, at: iso(at) } });
        }
      } else if (roll < 0.4) {
        const toStageId = random.pick(stageIds.filter((id) => id !== stageId));
        events.push({
          type: 'DealStageChanged',
          data: { dealId, contactId, pipelineId, fromStageId: stageId, toStageId, at: iso(at) },
        });
        stageId = toStageId;
      } else if (roll < 0.55) {
        value = { amountMinor: random.int(1, 5_000_00), currency: random.pick(currencies) };
        events.push({ type: 'DealUpdated', data: { dealId, contactId, changes: { value }, cleared: [], at: iso(at) } });
      } else if (roll < 0.65) {
        const cleared = random.next() < 0.3;
        events.push({
          type: 'DealUpdated',
          data: {
            dealId,
            contactId,
            changes: cleared ? {} : { ownerId: random.pick(owners) },
            cleared: cleared ? ['ownerId'] : [],
            at: iso(at),
          },
        });
      } else if (roll < 0.82) {
        status = 'won';
        events.push({ type: 'DealWon', data: { dealId, contactId, value, at: iso(at) } });
      } else {
        status = 'lost';
        events.push({ type: 'DealLost', data: { dealId, contactId, reason: 'Price', at: iso(at) } });
      }
    }
    streams.push({ stream: `deal-${dealId}`, events });
  }

  for (let index = 0; index < orders; index++) {
    const orderId = random.uuid();
    const contactId = random.pick(contacts);
    const currency = random.pick(currencies);
    let at = START + random.int(0, 180 * 24) * HOUR + random.int(0, HOUR - 1);
    const lines = Array.from({ length: random.int(1, 3) }, () => {
      const quantity = random.int(1, 5);
      const unitPriceMinor = random.int(1, 20_000);
      return {
        lineId: random.uuid(),
        productId: random.pick(products),
        sku: 'SKU-1',
        name: 'A product',
        quantity,
        unitPriceMinor,
        discountMinor: 0,
        totalMinor: quantity * unitPriceMinor,
      };
    });
    const totalMinor = lines.reduce((sum, line) => sum + line.totalMinor, 0);
    const events: OrderEvent[] = [
      {
        type: 'OrderPlaced',
        data: { orderId, contactId, currency, lines, subtotalMinor: totalMinor, discountMinor: 0, totalMinor, at: iso(at) },
      },
    ];
    at += random.int(0, 72) * HOUR;
    if (random.next() < 0.75) {
      events.push({ type: 'OrderPaid', data: { orderId, contactId, amountMinor: totalMinor, currency, at: iso(at) } });
      for (const line of lines) {
        if (random.next() < 0.25) {
          at += random.int(1, 30 * 24) * HOUR;
          const quantity = random.int(1, line.quantity);
          const amountMinor = quantity * line.unitPriceMinor;
          const refundId = random.uuid();
          const refund: OrderEvent = {
            type: 'OrderRefunded',
            data: {
              orderId,
              contactId,
              refundId,
              lines: [{ lineId: line.lineId, quantity, amountMinor }],
              amountMinor,
              currency,
              at: iso(at),
            },
          };
          // Now and then a refund is retried: the same id again gives nothing more back.
          events.push(refund, ...(random.next() < 0.2 ? [refund] : []));
        }
      }
    } else if (random.next() < 0.5) {
      events.push({ type: 'OrderCancelled', data: { orderId, contactId, reason: 'duplicate order', at: iso(at) } });
    }
    streams.push({ stream: `order-${orderId}`, events });
  }
  return streams;
}
