import { CommandBus } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { newId } from '@crm/eventsourcing';
import { Timers } from '@crm/service-kit';
import { timerEventId } from '@crm/timers';
import { OpenDeal } from '../src/application/commands/deals';
import { dealRottingTimerId } from '../src/application/deal-rotting';
import { createSalesTestApp, eventually, salesApi } from './support';

const DAY_MS = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();

/**
 * Rotting with the real service: the rotting timer is set by the reactor on the deal's own events and fired by the
 * kit's scheduler. Time is not faked: deals are opened by the command with a time in the past (the command takes its
 * time as input, as every command does), so their stay is past its stage's rotting days the moment the timer is set.
 */
describe('sales: deals that rot', () => {
  const api = salesApi('rotting');
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  const pipelineId = newId();
  const contactId = newId();
  const [qualified, proposal, negotiation] = [
    { stageId: newId(), name: 'Qualified', winProbability: 10, rottingDays: 14 },
    { stageId: newId(), name: 'Proposal', winProbability: 40, rottingDays: 1 },
    { stageId: newId(), name: 'Negotiation', winProbability: 70 },
  ];
  const fields = { title: 'Engines', value: { amountMinor: 1_000_00, currency: 'EUR' } };
  const commands = () => api.app().get(CommandBus);
  const openIn = (stageId: string, at: string, dealId = newId()) =>
    commands().execute(new OpenDeal(dealId, contactId, pipelineId, stageId, fields, at));

  beforeAll(async () => {
    await api.post('/v1/pipelines', { pipelineId, name: 'Rotting', stages: [qualified, proposal, negotiation] }).expect(201);
  });
  afterAll(() => pool.end());

  const rottedEvents = async (dealId: string) =>
    (
      await pool.query(`SELECT 1 FROM "${api.schema}".events WHERE stream_name = $1 AND event_type = 'DealRotted'`, [
        `deal-${dealId}`,
      ])
    ).rowCount;
  const listed = async (dealId: string) =>
    (await api.get('/v1/deals').query({ pipelineId }).expect(200)).body.items.find(
      (deal: { dealId: string }) => deal.dealId === dealId,
    );

  it('flags a deal that stayed past its stage’s rotting days, once, and lists it as rotting until it moves', async () => {
    const { view: stale } = await openIn(proposal.stageId, daysAgo(3));
    const { view: fresh } = await openIn(proposal.stageId, new Date().toISOString());
    const { view: patient } = await openIn(qualified.stageId, daysAgo(3));

    await eventually(async () => (await listed(stale.dealId))?.rotting === true, 'the stale deal is listed as rotting');
    const flagged = await listed(stale.dealId);
    expect(Date.parse(flagged.rottingSince)).toBeGreaterThanOrEqual(Date.parse(stale.openedAt) + DAY_MS);
    const rotting = await api.get('/v1/deals').query({ pipelineId, rotting: true }).expect(200);
    expect(rotting.body.items.map((deal: { dealId: string }) => deal.dealId)).toEqual([stale.dealId]);
    expect(await rottedEvents(stale.dealId)).toBe(1);
    // Its id derived from the timer's: a second run of the timer would append nothing.
    const { rows: rotted } = await pool.query<{ event_id: string }>(
      `SELECT event_id FROM "${api.schema}".events WHERE stream_name = $1 AND event_type = 'DealRotted'`,
      [`deal-${stale.dealId}`],
    );
    expect(rotted).toEqual([{ event_id: timerEventId(`deal-rotting:${stale.dealId}:0`) }]);
    // In its history, done by the service itself.
    const { body: history } = await api.get(`/v1/deals/${stale.dealId}/history`).expect(200);
    expect(history.items.at(-1)).toMatchObject({
      type: 'DealRotted',
      actor: 'sales',
      changes: [{ field: 'rotting', old: false, new: true }],
    });

    // The others have timers, not due yet: a day after the fresh deal entered, 14 after the patient one did.
    const timers = api.app().get(Timers);
    const timerOf = async (dealId: string) => {
      const { rows } = await pool.query<{ id: string }>(`SELECT id FROM "${api.schema}".timers WHERE id LIKE $1`, [
        `deal-rotting:${dealId}:%`,
      ]);
      return rows.length === 1 ? timers.get(rows[0].id) : undefined;
    };
    await eventually(async () => (await timerOf(fresh.dealId)) !== undefined, 'the fresh deal’s timer is set');
    expect(await timerOf(fresh.dealId)).toMatchObject({
      id: `deal-rotting:${fresh.dealId}:0`,
      state: 'scheduled',
      dueAt: new Date(Date.parse(fresh.openedAt) + DAY_MS),
    });
    await eventually(async () => (await timerOf(patient.dealId))?.state === 'scheduled', 'the patient deal’s timer is set');
    expect(await timerOf(stale.dealId)).toMatchObject({ state: 'fired' });

    // Moving the deal clears the flag; its new stage has no rotting days, so no timer follows it.
    const moved = await api.post(`/v1/deals/${stale.dealId}/stage`, { stageId: negotiation.stageId }).expect(200);
    const afterMove = await api
      .get('/v1/deals')
      .query({ pipelineId, rotting: false, position: moved.headers['position-token'] })
      .expect(200);
    const cleared = afterMove.body.items.find((deal: { dealId: string }) => deal.dealId === stale.dealId);
    expect(cleared).toMatchObject({ rotting: false, stageId: negotiation.stageId });
    expect(cleared).not.toHaveProperty('rottingSince');
  });

  it('runs each timer once with two replicas on one table: one DealRotted per deal, no timer run twice', async () => {
    // A second replica of the service: the same schema, read database and topic prefix as the first.
    const second = await createSalesTestApp(api.schema);
    try {
      const dealIds = Array.from({ length: 40 }, () => newId());
      for (const dealId of dealIds) await openIn(proposal.stageId, daysAgo(3), dealId);
      const timerIds = dealIds.map((dealId) => dealRottingTimerId(dealId, 0));
      const timers = async () =>
        (
          await pool.query<{ state: string; attempts: number }>(
            `SELECT state, attempts FROM "${api.schema}".timers WHERE id = ANY($1)`,
            [timerIds],
          )
        ).rows;
      await eventually(
        async () => (await timers()).filter(({ state }) => state === 'fired').length === dealIds.length,
        'every timer to fire',
      );
      // SKIP LOCKED: the two schedulers claimed different timers, none was run by both.
      expect((await timers()).every(({ attempts }) => attempts === 1)).toBe(true);
      const { rows } = await pool.query<{ stream_name: string; count: number }>(
        `SELECT stream_name, count(*)::int AS count FROM "${api.schema}".events
          WHERE event_type = 'DealRotted' AND stream_name = ANY($1) GROUP BY stream_name`,
        [dealIds.map((dealId) => `deal-${dealId}`)],
      );
      expect(rows).toHaveLength(dealIds.length);
      expect(rows.every(({ count }) => count === 1)).toBe(true);
    } finally {
      await second.close();
    }
  });
});
