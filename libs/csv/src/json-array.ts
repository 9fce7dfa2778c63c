/** A JSON array written item by item, so that a long list streams instead of being built in memory. */
export async function* jsonArray<T>(items: AsyncIterable<T>): AsyncGenerator<string> {
  yield '[';
  let first = true;
  for await (const item of items) {
    yield `${first ? '' : ','}\n${JSON.stringify(item)}`;
    first = false;
  }
  yield '\n]\n';
}
