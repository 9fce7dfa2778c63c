/**
 * The sales data set of `npm run seed`, as request bodies and steps of the sales API: a catalog, two pipelines, deals
 * moved through their stages and won or lost, and orders paid, fulfilled, cancelled or partly refunded, for the seeded
 * customers. Pure and deterministic like seed-data.ts: every deal and order is made from its own seed
 * (`[seed, kind, index]`) and its ids are UUIDv5s of the seed and the index, so a second run finds it already there.
 *
 * The catalog is made for the upsell question "customers who bought a product and not another": most orders carry a
 * plan (PLAN-BASE four times as often as PLAN-PRO), and only one customer in five ever takes the analytics add-on
 * (ADDON-ANALYTICS), so many customers bought PLAN-BASE and not ADDON-ANALYTICS, and some bought both.
 *
 * The sales commands take their time from the server: the seed cannot backdate a deal's moves or an order's payment,
 * so its history is the order of the steps, all stamped with the time of the run (docs/sales.md says so).
 */
import { MAX_ORDER_LINES } from '@crm/contracts';
// The exact money rules of the sales service, so that the totals the seed expects are the ones the service computes.
import { share, split, sum, times } from '../../../sales/src/domain/money';
import { Random, seedId, type SeedCountry } from './seed-data';

/** A seeded customer, as the sales data needs it. */
export interface SalesCustomer {
  contactId: string;
  country: string;
  companyId?: string;
  ownerId?: string;
}

export interface SalesSeedOptions {
  seed: number;
  deals: number;
  orders: number;
  /** Expected close dates of open deals lie after it: the start of today in the CLI. */
  today: Date;
}

export interface Money {
  amountMinor: number;
  currency: string;
}

export interface ProductBody {
  sku: string;
  name: string;
  prices: Money[];
}

export interface StageBody {
  stageId: string;
  name: string;
  winProbability: number;
  rottingDays?: number;
}

export interface PipelineBody {
  pipelineId: string;
  name: string;
  stages: StageBody[];
}

export interface DealBody {
  dealId: string;
  contactId: string;
  pipelineId: string;
  stageId: string;
  title: string;
  value: Money;
  companyId?: string;
  ownerId?: string;
  expectedCloseDate?: string;
}

/** A deal and what happens to it: opened in `deal.stageId`, moved to each of `moves` in turn, then closed or not. */
export interface DealPlan {
  deal: DealBody;
  moves: string[];
  outcome: { status: 'open' } | { status: 'won' } | { status: 'lost'; reason: string };
}

/** A line by SKU (the HTTP part learns the product ids from the API) with the price the seed expects it at. */
export interface OrderLinePlan {
  lineId: string;
  sku: string;
  quantity: number;
  /** The product's list price in the order's currency: the service prices the line from it. */
  listPriceMinor: number;
  discount?: { basisPoints: number };
  /** quantity × list price, less the discount: what the service computes for the line. */
  totalMinor: number;
}

/** An order and what happens to it after it is placed. */
export interface OrderPlan {
  orderId: string;
  contactId: string;
  dealId?: string;
  currency: string;
  lines: OrderLinePlan[];
  totalMinor: number;
  after:
    { status: 'placed' } | { status: 'cancelled'; reason: string } | { status: 'paid'; fulfilled: boolean; refund?: RefundPlan };
}

export interface RefundPlan {
  refundId: string;
  lines: { lineId: string; quantity: number }[];
  reason: string;
  /** What it gives back: less than the order's total (a partial refund). */
  amountMinor: number;
}

export interface SalesDataset {
  products: ProductBody[];
  pipelines: PipelineBody[];
  deals: DealPlan[];
  orders: OrderPlan[];
}

const KIND = { deal: 11, order: 12, customer: 13 } as const;

/** Each seeded country's currency; others pay in USD. */
const CURRENCY_OF: Record<SeedCountry, string> = {
  US: 'USD',
  GB: 'GBP',
  DE: 'EUR',
  FR: 'EUR',
  CH: 'CHF',
  ES: 'EUR',
  IT: 'EUR',
  NL: 'EUR',
  CA: 'CAD',
  AU: 'AUD',
};
export const currencyOf = (country: string): string => CURRENCY_OF[country as SeedCountry] ?? 'USD';

/** List prices in minor units, per currency: set per market, not converted (a product may have no price in one). */
const price = (prices: Partial<Record<'USD' | 'EUR' | 'GBP' | 'CHF' | 'CAD' | 'AUD', number>>): Money[] =>
  Object.entries(prices).map(([currency, amountMinor]) => ({ currency, amountMinor }));

/** The catalog: SKUs are fixed (the same in every seed), so a catalog seeded once serves every seed. */
export const SEED_PRODUCTS: readonly ProductBody[] = [
  {
    sku: 'PLAN-BASE',
    name: 'CRM Base plan, one seat for a year',
    prices: price({ USD: 36000, EUR: 33000, GBP: 29000, CHF: 34000, CAD: 49000, AUD: 54000 }),
  },
  {
    sku: 'PLAN-PRO',
    name: 'CRM Professional plan, one seat for a year',
    prices: price({ USD: 96000, EUR: 89000, GBP: 78000, CHF: 92000, CAD: 130000, AUD: 145000 }),
  },
  {
    sku: 'ADDON-ANALYTICS',
    name: 'Analytics add-on, one seat for a year',
    prices: price({ USD: 12000, EUR: 11000, GBP: 9500, CHF: 11500, CAD: 16000, AUD: 18000 }),
  },
  {
    sku: 'ADDON-MARKETING',
    name: 'Marketing automation add-on, one seat for a year',
    prices: price({ USD: 18000, EUR: 16500, GBP: 14500 }),
  },
  {
    sku: 'SUPPORT-PREMIUM',
    name: 'Premium support, one seat for a year',
    prices: price({ USD: 6000, EUR: 5500, GBP: 4800, CHF: 5800, CAD: 8000, AUD: 9000 }),
  },
  {
    sku: 'SVC-ONBOARDING',
    name: 'Onboarding package',
    prices: price({ USD: 250000, EUR: 230000, GBP: 200000, CHF: 240000 }),
  },
  {
    sku: 'SVC-TRAINING',
    name: 'Training day, on site',
    prices: price({ USD: 150000, EUR: 140000, GBP: 120000, CHF: 145000, CAD: 200000, AUD: 220000 }),
  },
  { sku: 'HW-DESKPHONE', name: 'Desk phone with CRM dialer', prices: price({ USD: 19900, EUR: 18900, GBP: 16900 }) },
];

const productBySku = new Map(SEED_PRODUCTS.map((product) => [product.sku, product]));

const listPriceOf = (sku: string, currency: string): number | undefined =>
  productBySku.get(sku)?.prices.find((p) => p.currency === currency)?.amountMinor;

const stagesOf = (seed: number, pipeline: string, stages: Omit<StageBody, 'stageId'>[]): StageBody[] =>
  stages.map((stage, index) => ({ stageId: seedId(seed, `${pipeline}-stage`, index), ...stage }));

/** Two pipelines: new business (most deals) and renewals. Their ids depend on the seed, like the customers'. */
export function seedPipelines(seed: number): PipelineBody[] {
  return [
    {
      pipelineId: seedId(seed, 'pipeline', 0),
      name: 'New business',
      stages: stagesOf(seed, 'new-business', [
        { name: 'Qualified', winProbability: 10, rottingDays: 14 },
        { name: 'Demo', winProbability: 25, rottingDays: 14 },
        { name: 'Proposal', winProbability: 50, rottingDays: 21 },
        { name: 'Negotiation', winProbability: 75, rottingDays: 30 },
      ]),
    },
    {
      pipelineId: seedId(seed, 'pipeline', 1),
      name: 'Renewals',
      stages: stagesOf(seed, 'renewals', [
        { name: 'Up for renewal', winProbability: 60, rottingDays: 30 },
        { name: 'Quote sent', winProbability: 80, rottingDays: 14 },
        { name: 'Awaiting signature', winProbability: 90, rottingDays: 7 },
      ]),
    },
  ];
}

const LOST_REASONS = ['Chose a competitor', 'No budget this year', 'No decision made', 'Price too high', 'Went silent'];
const CANCEL_REASONS = ['Duplicate order', 'Customer changed their mind', 'Payment failed', 'Ordered the wrong plan'];
const REFUND_REASONS = ['Seats not needed after all', 'Goodwill for an outage', 'Training day not held'];
const DISCOUNTS = [500, 1000, 1500, 2000];

/**
 * The lines of one purchase in `currency`, each of a product priced in it. Most have a plan (PLAN-BASE four times as
 * often as PLAN-PRO); the analytics add-on comes with a plan only for a customer who `wantsAnalytics`.
 */
function linesOf(r: Random, currency: string, wantsAnalytics: boolean, lineId: (index: number) => string): OrderLinePlan[] {
  const wanted: { sku: string; quantity: number }[] = [];
  const seats = r.weighted({ few: 6, team: 3, department: 1 }) === 'few' ? r.int(1, 5) : r.int(5, 60);
  const plan = r.weighted({ 'PLAN-BASE': 60, 'PLAN-PRO': 15, none: 25 });
  if (plan !== 'none') {
    wanted.push({ sku: plan, quantity: seats });
    if (wantsAnalytics && r.chance(0.5)) wanted.push({ sku: 'ADDON-ANALYTICS', quantity: r.int(1, seats) });
    if (r.chance(0.15)) wanted.push({ sku: 'ADDON-MARKETING', quantity: r.int(1, seats) });
    if (r.chance(0.3)) wanted.push({ sku: 'SUPPORT-PREMIUM', quantity: seats });
    if (r.chance(0.2)) wanted.push({ sku: 'SVC-ONBOARDING', quantity: 1 });
  } else {
    // A purchase without a plan: services or phones for customers who have one already.
    wanted.push(
      r.pick([
        { sku: 'SVC-TRAINING', quantity: r.int(1, 3) },
        { sku: 'HW-DESKPHONE', quantity: r.int(1, 20) },
        { sku: 'SUPPORT-PREMIUM', quantity: r.int(1, 10) },
      ]),
    );
    if (r.chance(0.3)) wanted.push({ sku: 'SVC-TRAINING', quantity: 1 });
  }
  const lines: OrderLinePlan[] = [];
  for (const { sku, quantity } of wanted) {
    const listPriceMinor = listPriceOf(sku, currency);
    // A product without a price in the customer's currency is not offered to them; one SKU is on a line once.
    if (listPriceMinor === undefined || lines.some((line) => line.sku === sku)) continue;
    const subtotal = times(listPriceMinor, quantity, 'line subtotal');
    const discount = r.chance(0.2) ? { basisPoints: r.pick(DISCOUNTS) } : undefined;
    const totalMinor = discount ? subtotal - share(subtotal, discount.basisPoints) : subtotal;
    lines.push({ lineId: lineId(lines.length), sku, quantity, listPriceMinor, ...(discount && { discount }), totalMinor });
  }
  if (lines.length === 0) {
    // Every currency of the seed prices the base plan.
    const listPriceMinor = listPriceOf('PLAN-BASE', currency)!;
    lines.push({ lineId: lineId(0), sku: 'PLAN-BASE', quantity: 1, listPriceMinor, totalMinor: listPriceMinor });
  }
  return lines.slice(0, MAX_ORDER_LINES);
}

const dealTitle = (lines: readonly OrderLinePlan[], renewal: boolean): string => {
  const [main] = lines;
  const what = `${main.quantity} × ${productBySku.get(main.sku)!.name.split(',')[0]}`;
  return renewal ? `Renewal: ${what}` : what;
};

const isoDate = (date: Date) => date.toISOString().slice(0, 10);
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A deal's stages: it entered the pipeline's first stage (renewals sometimes further on) and moved forward, one stage
 * or two at a time, to where it is; a won deal got at least halfway, a lost one lost anywhere.
 */
function journeyOf(r: Random, stages: readonly StageBody[], outcome: DealPlan['outcome']['status']): string[] {
  const last = stages.length - 1;
  const furthest = outcome === 'won' ? r.int(Math.floor(last / 2), last) : outcome === 'lost' ? r.int(0, last) : r.int(0, last);
  const path = [0];
  while (path[path.length - 1] < furthest) path.push(Math.min(furthest, path[path.length - 1] + (r.chance(0.8) ? 1 : 2)));
  return path.map((index) => stages[index].stageId);
}

/** The whole sales data set for the customers; see the comment at the top. */
export function generateSalesDataset(options: SalesSeedOptions, customers: readonly SalesCustomer[]): SalesDataset {
  const { seed, today } = options;
  const pipelines = seedPipelines(options.seed);
  if (customers.length === 0) return { products: [...SEED_PRODUCTS], pipelines, deals: [], orders: [] };
  // A fifth of the customers are in half of the deals and orders: real customers buy unevenly.
  const busy = Math.max(1, Math.ceil(customers.length / 5));
  const customerFor = (r: Random) => {
    const index = r.chance(0.5) ? r.int(0, busy - 1) : r.int(0, customers.length - 1);
    // One customer in five is interested in analytics: the trait is the customer's own, whatever they buy.
    return { ...customers[index], wantsAnalytics: new Random([seed, KIND.customer, index]).chance(0.2) };
  };

  const wonOrders: OrderPlan[] = [];
  const deals = Array.from({ length: options.deals }, (_, index): DealPlan => {
    const r = new Random([seed, KIND.deal, index]);
    const customer = customerFor(r);
    const renewal = r.chance(0.25);
    const pipeline = pipelines[renewal ? 1 : 0];
    const status = r.weighted({ open: 35, won: 35, lost: 30 });
    const [stageId, ...moves] = journeyOf(r, pipeline.stages, status);
    const currency = currencyOf(customer.country);
    const dealId = seedId(seed, 'deal', index);
    // The deal is worth what its order will be: the lines are agreed while it is worked on.
    const lines = linesOf(r, currency, customer.wantsAnalytics, (line) => seedId(seed, `deal-${index}-line`, line));
    const totalMinor = sum(
      lines.map((line) => line.totalMinor),
      'deal value',
    );
    const deal: DealBody = {
      dealId,
      contactId: customer.contactId,
      pipelineId: pipeline.pipelineId,
      stageId,
      title: dealTitle(lines, renewal),
      value: { amountMinor: totalMinor, currency },
      ...(customer.companyId && { companyId: customer.companyId }),
      ...(customer.ownerId && { ownerId: customer.ownerId }),
      ...(status === 'open' && { expectedCloseDate: isoDate(new Date(today.getTime() + r.int(7, 120) * DAY_MS)) }),
    };
    if (status === 'won')
      wonOrders.push(orderOf(r, idsOf(seed, `deal-${index}`), customer.contactId, currency, lines, totalMinor, dealId));
    return {
      deal,
      moves,
      outcome: status === 'lost' ? { status, reason: r.pick(LOST_REASONS) } : { status },
    };
  });

  // A won deal's order comes first; the rest are purchases without a deal (renewals of seats, add-ons, services).
  const orders = wonOrders.slice(0, options.orders);
  for (let index = 0; orders.length < options.orders; index++) {
    const r = new Random([seed, KIND.order, index]);
    const customer = customerFor(r);
    const currency = currencyOf(customer.country);
    const lines = linesOf(r, currency, customer.wantsAnalytics, (line) => seedId(seed, `order-${index}-line`, line));
    const totalMinor = sum(
      lines.map((line) => line.totalMinor),
      'order total',
    );
    orders.push(orderOf(r, idsOf(seed, `order-${index}`), customer.contactId, currency, lines, totalMinor));
  }
  return { products: [...SEED_PRODUCTS], pipelines, deals, orders };
}

/** An order's id and its refund's: a retried refund refunds nothing more. */
const idsOf = (seed: number, of: string) => ({
  orderId: seedId(seed, `${of}-order`, 0),
  refundId: seedId(seed, `${of}-refund`, 0),
});

function orderOf(
  r: Random,
  { orderId, refundId }: { orderId: string; refundId: string },
  contactId: string,
  currency: string,
  lines: OrderLinePlan[],
  totalMinor: number,
  dealId?: string,
): OrderPlan {
  const base = { orderId, contactId, ...(dealId && { dealId }), currency, lines, totalMinor };
  // An order for a won deal is not cancelled: the customer signed.
  const fate = r.weighted({ placed: 10, cancelled: dealId ? 0 : 8, paid: 20, fulfilled: 55, refunded: 7 });
  if (fate === 'placed') return { ...base, after: { status: 'placed' } };
  if (fate === 'cancelled') return { ...base, after: { status: 'cancelled', reason: r.pick(CANCEL_REASONS) } };
  const refund = fate === 'refunded' ? partialRefundOf(r, refundId, lines) : undefined;
  return { ...base, after: { status: 'paid', fulfilled: fate !== 'paid', ...(refund && { refund }) } };
}

/**
 * Some units of one line back, never all of the order: a line of several units gives back some of them, the line of
 * a single unit is given back whole only when the order has other lines. Each unit gives back its share of the line
 * total and the last unit the remainder, as the service computes it.
 */
function partialRefundOf(r: Random, refundId: string, lines: readonly OrderLinePlan[]): RefundPlan | undefined {
  const refundable = lines.filter((line) => line.quantity > 1 || lines.length > 1);
  if (refundable.length === 0) return undefined;
  const line = r.pick(refundable);
  const quantity = line.quantity > 1 ? r.int(1, line.quantity - 1) : 1;
  const { partMinor, remainderMinor } = split(line.totalMinor, line.quantity);
  const amountMinor = sum([times(partMinor, quantity, 'refund'), quantity === line.quantity ? remainderMinor : 0], 'refund');
  return {
    refundId,
    lines: [{ lineId: line.lineId, quantity }],
    reason: r.pick(REFUND_REASONS),
    amountMinor,
  };
}
