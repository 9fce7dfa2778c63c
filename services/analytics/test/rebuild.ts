import { Writable } from 'node:stream';
import type { Connection } from 'mongoose';
import { PROJECTION_STATE_COLLECTION, readModelHash, type ProjectionState } from '@crm/projections';
import { rebuildCommand, type ServiceConfig } from '@crm/service-kit';
import { analyticsService } from '../src/analytics.service';

/**
 * `npm run projections:rebuild -- <projection>`, run in process: it says it rebuilt, moves the projection to its next
 * generation, and leaves the same documents in `collection` (same hash). The live runner must be at the end first.
 */
export async function expectRebuiltUnchanged(
  readModels: Connection,
  config: ServiceConfig,
  projection: string,
  collection: string,
): Promise<void> {
  const states = readModels.db!.collection<ProjectionState>(PROJECTION_STATE_COLLECTION);
  const live = await states.findOne({ _id: projection });
  const before = await readModelHash(readModels.db!.collection(collection));
  const output: string[] = [];
  const sink = new Writable({ write: (chunk, _, done) => done(void output.push(String(chunk))) });
  const exitCode = await rebuildCommand(
    analyticsService,
    { argv: [projection], stdout: sink, stderr: sink, exit: () => undefined },
    config,
  );
  expect({ exitCode, output: output.join('') }).toMatchObject({
    exitCode: 0,
    output: expect.stringContaining(`Rebuilt ${projection}`),
  });
  expect((await states.findOne({ _id: projection }))!.generation).toBe(live!.generation + 1);
  expect(await readModelHash(readModels.db!.collection(collection))).toBe(before);
}
