/**
 * Requests for the same thing that arrive while it is being fetched share that one fetch: under 200
 * concurrent list requests the database answers a handful of queries, not 200 queued ones.
 */
export function singleFlight<T>(): (key: string, fetch: () => Promise<T>) => Promise<T> {
  const inflight = new Map<string, Promise<T>>();
  return (key, fetch) => {
    const running = inflight.get(key);
    if (running) return running;
    const p = fetch().finally(() => inflight.delete(key));
    inflight.set(key, p);
    return p;
  };
}
