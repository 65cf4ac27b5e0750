import { type Logger, scrubSecrets } from '@beatframe/core';
import { type Database, events } from '@beatframe/db';
import { and, asc, eq, gt } from 'drizzle-orm';
import type { PipelineEvent } from './beatframe.js';

const CHANNEL = 'beatframe_events';
// NOTIFY payloads are limited to 8000 bytes; larger events are announced by id and read back.
const MAX_NOTIFY = 7000;

type Listener = (event: PipelineEvent) => void;
type EventBody = PipelineEvent extends infer E
  ? E extends PipelineEvent
    ? Omit<E, 'id' | 'at'>
    : never
  : never;

/**
 * Events are stored (for replay) and announced with NOTIFY, so subscribers in other processes
 * (the API server, a second worker) see them live; PGlite delivers NOTIFY in-process.
 */
export class EventBus {
  private listeners = new Map<string, Set<Listener>>();
  private unlisten: (() => Promise<void>) | undefined;
  private starting: Promise<void> | undefined;
  private lastProgress = new Map<string, number>();

  constructor(
    private readonly database: Database,
    private readonly logger: Logger,
  ) {}

  async publish(body: EventBody): Promise<void> {
    const clean = scrubSecrets(body) as EventBody;
    const { projectId, type, ...payload } = clean as { projectId: string; type: string } & Record<
      string,
      unknown
    >;
    try {
      const [row] = await this.database.db
        .insert(events)
        .values({ projectId, type, payload })
        .returning({ id: events.id, at: events.at });
      if (!row) return;
      const event = { ...clean, id: row.id, at: new Date(row.at).toISOString() } as PipelineEvent;
      const text = JSON.stringify(event);
      await this.database.query('SELECT pg_notify($1, $2)', [
        CHANNEL,
        text.length <= MAX_NOTIFY ? text : JSON.stringify({ ref: row.id }),
      ]);
    } catch (err) {
      // Events are for watching; losing one must never fail the work.
      this.logger.warn({ err: (err as Error).message }, 'could not publish an event');
    }
  }

  /** Progress events at most every 300 ms per key (and always at 0 and 1). */
  /** Returns whether it published (callers store progress at the same pace). */
  async progress(key: string, fraction: number, body: EventBody, everyMs = 300): Promise<boolean> {
    const now = Date.now();
    const last = this.lastProgress.get(key) ?? 0;
    if (fraction > 0 && fraction < 1 && now - last < everyMs) return false;
    this.lastProgress.set(key, now);
    await this.publish(body);
    return true;
  }

  subscribe(projectId: string, listener: Listener): () => void {
    let set = this.listeners.get(projectId);
    if (!set) {
      set = new Set();
      this.listeners.set(projectId, set);
    }
    set.add(listener);
    void this.ensureListening();
    return () => {
      set.delete(listener);
    };
  }

  private ensureListening(): Promise<void> {
    this.starting ??= this.database
      .listen(CHANNEL, (payload) => void this.deliver(payload))
      .then((un) => {
        this.unlisten = un;
      })
      .catch((err) => {
        this.starting = undefined;
        this.logger.warn({ err: (err as Error).message }, 'cannot listen for events');
      });
    return this.starting;
  }

  /** Waits until NOTIFYs are being received (tests and the CLI subscribe before work starts). */
  ready(): Promise<void> {
    return this.ensureListening();
  }

  private async deliver(payload: string): Promise<void> {
    let event: PipelineEvent | { ref: number };
    try {
      event = JSON.parse(payload);
    } catch {
      return;
    }
    if ('ref' in event) {
      const [full] = await this.since('*', event.ref - 1, 1);
      if (!full) return;
      event = full;
    }
    const e = event as PipelineEvent;
    for (const key of [e.projectId, '*']) {
      for (const l of this.listeners.get(key) ?? []) {
        try {
          l(e);
        } catch (err) {
          this.logger.warn({ err: (err as Error).message }, 'event listener threw');
        }
      }
    }
  }

  async since(projectId: string | '*', afterId = 0, limit = 1000): Promise<PipelineEvent[]> {
    const where =
      projectId === '*'
        ? gt(events.id, afterId)
        : and(eq(events.projectId, projectId), gt(events.id, afterId));
    const rows = await this.database.db
      .select()
      .from(events)
      .where(where)
      .orderBy(asc(events.id))
      .limit(limit);
    return rows.map(
      (r) =>
        ({
          ...(r.payload as object),
          type: r.type,
          projectId: r.projectId ?? '',
          id: r.id,
          at: new Date(r.at).toISOString(),
        }) as PipelineEvent,
    );
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.starting;
    await this.unlisten?.().catch(() => {});
  }
}
