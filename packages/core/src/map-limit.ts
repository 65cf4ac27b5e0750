/**
 * `fn` over `items`, at most `limit` at once, taken in order; the results in item order. A rejection rejects
 * the whole at once, as `Promise.all` does, while the other calls already started run on (a caller that must stop
 * them aborts its own signal); no worker takes a new item after its own call rejected.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
