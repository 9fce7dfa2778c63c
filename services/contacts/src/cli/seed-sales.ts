/**
 * The sales part of `npm run seed`: sends the sales data set (sales-seed-data.ts) to the sales service's public API,
 * phase by phase (catalog, pipelines, deals, orders), each with a progress bar.
 *
 * A second run adds nothing: a create answered 409 `…-already-exists` is there, and then the deal or order is read
 * back and only the steps it has not had yet are sent (a run stopped half-way is finished by the next). Deals only
 * move forward in the seed, so the stage a deal is in tells which of its moves are done.
 */
import { created, ok, RequestFailed, type Api, type Outcome, type runPhase } from './seed-http';
import type { DealPlan, OrderPlan, SalesDataset } from './sales-seed-data';

/** Runs one phase (`runPhase` with its tally kept); false when a request of it failed. */
export type Phase = <T>(...args: Parameters<typeof runPhase<T>>) => Promise<boolean>;

interface DealState {
  status: 'open' | 'won' | 'lost';
  stageId: string;
}

interface OrderState {
  status: 'placed' | 'paid' | 'fulfilled' | 'cancelled' | 'refunded';
  fulfilled: boolean;
  refundedMinor: number;
}

/** The requests a deal takes: its open, each move, and its win or loss. */
export const dealRequests = ({ moves, outcome }: DealPlan): number => 1 + moves.length + (outcome.status === 'open' ? 0 : 1);

/** The requests an order takes: its placing, then its cancellation, or its payment, fulfilment and refund. */
export function orderRequests({ after }: OrderPlan): number {
  if (after.status === 'placed') return 1;
  if (after.status === 'cancelled') return 2;
  return 2 + (after.fulfilled ? 1 : 0) + (after.refund ? 1 : 0);
}

/** Seeds the sales data set; stops after the first phase with a failure (what follows depends on it). */
export async function seedSales(api: Api, data: SalesDataset, concurrency: number, phase: Phase): Promise<boolean> {
  const productIds = new Map<string, string>();
  const steps: (() => Promise<boolean>)[] = [
    () =>
      phase('products', data.products, concurrency, async (product) => {
        const what = `POST /v1/products (${product.sku})`;
        const reply = await api.send('POST', '/v1/products', product);
        const outcome = created(what, reply, 'product');
        // A new product's view and the 409 of one already there both name its id (derived from the SKU).
        const { productId } = reply.body as { productId?: string };
        if (!productId) throw new RequestFailed(`${what}: no productId in the answer`, reply);
        productIds.set(product.sku, productId);
        return [outcome];
      }),
    () =>
      phase('pipelines', data.pipelines, concurrency, async (pipeline) => [
        created(`POST /v1/pipelines (${pipeline.pipelineId})`, await api.send('POST', '/v1/pipelines', pipeline), 'pipeline'),
      ]),
    () => phase('deals', data.deals, concurrency, (plan) => seedDeal(api, plan), dealRequests),
    () => phase('orders', data.orders, concurrency, (plan) => seedOrder(api, plan, productIds), orderRequests),
  ];
  for (const step of steps) if (!(await step())) return false;
  return true;
}

async function seedDeal(api: Api, { deal, moves, outcome }: DealPlan): Promise<Outcome[]> {
  const path = `/v1/deals/${deal.dealId}`;
  const opened = created(`POST /v1/deals (${deal.dealId})`, await api.send('POST', '/v1/deals', deal), 'deal');
  let movesDone = 0;
  let closed = false;
  if (opened === 'there') {
    const state = ok(`GET ${path}`, await api.send('GET', path)).body as DealState;
    closed = state.status !== 'open';
    movesDone = closed ? moves.length : moves.indexOf(state.stageId) + 1;
  }
  const outcomes: Outcome[] = [opened, ...moves.slice(0, movesDone).map((): Outcome => 'there')];
  for (const stageId of moves.slice(movesDone)) {
    ok(`POST ${path}/stage`, await api.send('POST', `${path}/stage`, { stageId }));
    outcomes.push('created');
  }
  if (outcome.status === 'won' || outcome.status === 'lost') {
    if (closed) outcomes.push('there');
    else {
      if (outcome.status === 'won') ok(`POST ${path}/win`, await api.send('POST', `${path}/win`));
      else ok(`POST ${path}/lose`, await api.send('POST', `${path}/lose`, { reason: outcome.reason }));
      outcomes.push('created');
    }
  }
  return outcomes;
}

async function seedOrder(api: Api, plan: OrderPlan, productIds: ReadonlyMap<string, string>): Promise<Outcome[]> {
  const { orderId, contactId, dealId, currency, lines, after } = plan;
  const path = `/v1/orders/${orderId}`;
  const body = {
    orderId,
    contactId,
    ...(dealId && { dealId }),
    currency,
    lines: lines.map(({ lineId, sku, quantity, discount }) => ({
      lineId,
      productId: productIds.get(sku),
      quantity,
      ...(discount && { discount }),
    })),
  };
  const reply = await api.send('POST', '/v1/orders', body);
  const placed = created(`POST /v1/orders (${orderId})`, reply, 'order');
  const state: OrderState =
    placed === 'created' ? (reply.body as OrderState) : (ok(`GET ${path}`, await api.send('GET', path)).body as OrderState);
  // The catalog priced the lines: a product changed since an earlier seed would make the deal's value a lie.
  if (placed === 'created' && (reply.body as { totalMinor: number }).totalMinor !== plan.totalMinor)
    throw new RequestFailed(`POST /v1/orders (${orderId}): a total other than the seed's ${plan.totalMinor}`, reply);

  const outcomes: Outcome[] = [placed];
  const step = async (done: boolean, send: () => Promise<unknown>) => {
    if (done) outcomes.push('there');
    else {
      await send();
      outcomes.push('created');
    }
  };
  if (after.status === 'cancelled')
    await step(state.status === 'cancelled', async () =>
      ok(`POST ${path}/cancel`, await api.send('POST', `${path}/cancel`, { reason: after.reason })),
    );
  if (after.status === 'paid') {
    await step(state.status !== 'placed', async () => ok(`POST ${path}/pay`, await api.send('POST', `${path}/pay`)));
    if (after.fulfilled)
      await step(state.fulfilled, async () => ok(`POST ${path}/fulfil`, await api.send('POST', `${path}/fulfil`)));
    const { refund } = after;
    if (refund) {
      const { refundId, lines: refunded, reason } = refund;
      await step(state.refundedMinor > 0, async () =>
        ok(`POST ${path}/refunds`, await api.send('POST', `${path}/refunds`, { refundId, lines: refunded, reason })),
      );
    }
  }
  return outcomes;
}
