import type { Aggregate } from './decider';

type Named = Pick<Aggregate, 'name'>;

/** The one rule for stream names: an aggregate's instance lives in `<aggregate name>-<id>` (`contact-0192…`). */
export function streamOf(aggregate: Named, id: string): string {
  return `${aggregate.name}-${id}`;
}

/**
 * The declared aggregate a stream belongs to, and the id of its instance (the inverse of streamOf:
 * `custom-fields-contacts` → custom-fields, `contacts`); undefined for a stream of none of them.
 */
export function instanceOfStream<A extends Named>(
  aggregates: readonly A[],
  streamName: string,
): { aggregate: A; id: string } | undefined {
  // The longest name wins, although streamNameClashes keeps a service from declaring two that could both match.
  const owner = aggregates
    .filter((aggregate) => streamName.startsWith(`${aggregate.name}-`) && streamName.length > aggregate.name.length + 1)
    .sort((a, b) => b.name.length - a.name.length)[0];
  return owner && { aggregate: owner, id: streamName.slice(owner.name.length + 1) };
}

/**
 * Pairs of aggregate names whose streams could be taken for one another (`contact` and `contact-merge`: is
 * `contact-merge-1` a merge or a contact?), one line each; empty when every stream name tells its aggregate.
 */
export function streamNameClashes(names: readonly string[]): string[] {
  return names.flatMap((name) =>
    names
      .filter((other) => other !== name && other.startsWith(`${name}-`))
      .map((other) => `streams of ${other} (${other}-<id>) read as streams of ${name} (${name}-<id>)`),
  );
}
