import type { ProjectionDefinition } from '@crm/projections';
import { companiesProjection } from './companies.projection';
import { customerProfileProjection } from './customer-profile.projection';
import { identitiesProjection } from './identities.projection';
import { timelineProjection } from './timeline.projection';

/** Every read model of the analytics service, built from the source topics. */
export const analyticsProjections = (topics: readonly string[]): ProjectionDefinition[] => [
  timelineProjection(topics),
  customerProfileProjection(topics),
  companiesProjection(topics),
  identitiesProjection(topics),
];
