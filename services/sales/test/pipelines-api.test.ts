import { newId } from '@crm/eventsourcing';
import { expectProblem, marketing, salesApi, stages } from './support';

describe('sales API: pipelines', () => {
  const api = salesApi('pipelines');

  it('creates a pipeline, renames it, changes its stages keeping the one left out as retired, and lists it', async () => {
    const [qualified, proposal, negotiation] = stages();
    const created = await api.post('/v1/pipelines', { name: 'New business', stages: [qualified, proposal] }).expect(201);
    const { pipelineId } = created.body;
    expect(created.headers.location).toBe(`/v1/pipelines/${pipelineId}`);
    expect(created.headers.etag).toBe('"0"');
    expect(created.body).toMatchObject({ name: 'New business', stages: [qualified, proposal], revision: 0 });
    const asCreated = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 10));

    await api.patch(`/v1/pipelines/${pipelineId}`, { name: 'Renewals' }).set('If-Match', '"0"').expect(200);
    await api.patch(`/v1/pipelines/${pipelineId}`, { name: 'Stale' }).set('If-Match', '"0"').expect(412);
    const changed = await api.put(`/v1/pipelines/${pipelineId}/stages`, { stages: [proposal, negotiation] }).expect(200);
    expect(changed.body.stages).toEqual([proposal, negotiation, { ...qualified, retired: true }]);

    const got = await api.get(`/v1/pipelines/${pipelineId}`).expect(200);
    expect(got.body).toMatchObject({ name: 'Renewals', revision: 2 });
    // The Position-Token of the last write: the list waits until it shows it.
    const listed = await api.get('/v1/pipelines').query({ name: 'Renewals', position: changed.headers['position-token'] });
    expect(listed.body.items).toContainEqual(expect.objectContaining({ pipelineId, stages: changed.body.stages }));

    const { body: history } = await api.get(`/v1/pipelines/${pipelineId}/history`).expect(200);
    expect(history.items.map((entry: { type: string }) => entry.type)).toEqual([
      'PipelineCreated',
      'PipelineRenamed',
      'PipelineStagesChanged',
    ]);
    expect(history.items[0].changes).toContainEqual({ field: 'stages', new: [qualified, proposal] });
    expect(history.items[1].changes).toEqual([{ field: 'name', old: 'New business', new: 'Renewals' }]);
    // As it was when created: its first name and stages.
    const then = await api.get(`/v1/pipelines/${pipelineId}`).query({ asOf: asCreated }).expect(200);
    expect(then.body).toMatchObject({ name: 'New business', stages: [qualified, proposal], revision: 0 });
  });

  it('lists pipelines by name from the read model', async () => {
    const name = `Pipeline ${Date.now()}`;
    await api.post('/v1/pipelines', { name, stages: stages() }).expect(201);
    let items: { name: string }[] = [];
    for (let tries = 0; tries < 100 && items.length === 0; tries++) {
      items = (await api.get('/v1/pipelines').query({ name }).expect(200)).body.items;
      if (items.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(items).toEqual([expect.objectContaining({ name })]);
  });

  it('refuses two stages with one name (422 naming stages), a stage without a name (400), and stores nothing', async () => {
    const pipelineId = newId();
    const [first, second] = stages();
    expectProblem(
      await api.post('/v1/pipelines', { pipelineId, name: 'Twice', stages: [first, { ...second, name: ' qualified ' }] }),
      422,
      'stages',
    );
    expectProblem(
      await api.post('/v1/pipelines', { pipelineId, name: 'Blank', stages: [{ ...first, name: ' ' }] }),
      400,
      'stages[0].name',
    );
    expectProblem(await api.post('/v1/pipelines', { pipelineId, name: 'None', stages: [] }), 400, 'stages');
    await api.get(`/v1/pipelines/${pipelineId}`).expect(404);
  });

  it('lets sales write and analysts read, nobody else, and nobody unauthenticated', async () => {
    await api.post('/v1/pipelines', { name: 'Theirs', stages: stages() }, marketing).expect(403);
    await api.post('/v1/pipelines', { name: 'Mine', stages: stages() }, `Bearer ${'x'}`).expect(401);
    await api.anonymous().get('/v1/pipelines').expect(401);
    await api.get('/v1/pipelines', marketing).expect(403);
  });
});
