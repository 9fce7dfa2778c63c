import { Inject, Injectable } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import type { ProjectionDefinition } from '@crm/projections';
import { READ_MODELS } from '@crm/projections/nest';

/** A read model's documents as queries see them: the projection's document, under its id. */
export type ReadModelDocument<Doc> = Doc & { _id: string };

/**
 * The service's read models, reached by their projection rather than a collection name: `readModels.of(contactList)`.
 * By name on every call, because a rebuild swaps a collection under its name.
 */
@Injectable()
export class ReadModels {
  constructor(@Inject(READ_MODELS) private readonly connection: Connection) {}

  of<Doc extends object>(projection: ProjectionDefinition<Doc>): mongo.Collection<ReadModelDocument<Doc>> {
    return this.connection.collection<ReadModelDocument<Doc>>(projection.collection);
  }
}
