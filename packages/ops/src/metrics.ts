import type { Database } from '@beatframe/db';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

type Query = Pick<Database, 'query'>;

const PROVIDER_ERROR = "substring(e.payload->>'message' from '^[^:]+: ([a-z-]+): ')";

/**
 * Prometheus metrics read from the database at each scrape, so one /metrics endpoint (the API service's)
 * covers every worker: projects by state, stage durations, provider submissions, provider errors by
 * kind, key-ring switches, and spend. The process's own metrics (memory, event loop) come with them.
 */
export function createMetrics(db: Query, opts: { prefix?: string; processMetrics?: boolean } = {}) {
  const p = opts.prefix ?? 'beatframe_';
  const registry = new Registry();
  if (opts.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: p });

  new Gauge({
    name: `${p}projects`,
    help: 'Projects by state (queued, running, paused, failed, done) and current stage.',
    labelNames: ['state', 'stage'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await db.query<{ status: string; stage: string; n: string }>(
        'SELECT status, stage, count(*)::text AS n FROM projects GROUP BY status, stage',
      ))
        this.set({ state: r.status, stage: r.stage }, Number(r.n));
    },
  });

  new Histogram({
    name: `${p}stage_duration_seconds`,
    help: 'Wall time of finished stages (the last run of each stage of each project).',
    labelNames: ['stage'],
    buckets: [0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await db.query<{ name: string; s: number }>(
        `SELECT name, extract(epoch FROM finished_at - started_at)::float8 AS s FROM stages
         WHERE status = 'done' AND started_at IS NOT NULL AND finished_at >= started_at`,
      ))
        this.observe({ stage: r.name }, Number(r.s));
    },
  });

  new Counter({
    name: `${p}provider_submissions_total`,
    help: 'Jobs submitted to each video provider (each one is paid for).',
    labelNames: ['provider', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await db.query<{ provider: string; state: string; n: string }>(
        'SELECT provider, state, count(*)::text AS n FROM provider_jobs GROUP BY provider, state',
      ))
        this.inc({ provider: r.provider, state: r.state }, Number(r.n));
    },
  });

  new Counter({
    name: `${p}provider_errors_total`,
    help: 'Provider errors met while generating shots, by kind (retryable, quota, auth, content-policy, retired, fatal).',
    labelNames: ['provider', 'kind'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await db.query<{ provider: string | null; kind: string; n: string }>(
        `SELECT pr.options->>'provider' AS provider, ${PROVIDER_ERROR} AS kind, count(*)::text AS n
         FROM events e LEFT JOIN projects pr ON pr.id = e.project_id
         WHERE e.type = 'log' AND e.payload->>'stage' = 'generate' AND ${PROVIDER_ERROR} IS NOT NULL
         GROUP BY 1, 2`,
      ))
        this.inc({ provider: r.provider ?? 'unknown', kind: r.kind }, Number(r.n));
    },
  });

  new Counter({
    name: `${p}key_switches_total`,
    help: 'Times a key ring moved past a refused (auth) or exhausted (quota) key.',
    labelNames: ['provider', 'kind'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await db.query<{ provider: string; kind: string; n: string }>(
        `SELECT output->>'provider' AS provider, output->>'kind' AS kind, count(*)::text AS n
         FROM decisions WHERE role = 'keyring' GROUP BY 1, 2`,
      ))
        this.inc({ provider: r.provider ?? 'unknown', kind: r.kind ?? 'unknown' }, Number(r.n));
    },
  });

  new Counter({
    name: `${p}spend_usd_total`,
    help: 'Money committed to providers, USD.',
    labelNames: ['provider'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await db.query<{ provider: string; usd: number }>(
        'SELECT provider, sum(usd)::float8 AS usd FROM costs GROUP BY provider',
      ))
        this.inc({ provider: r.provider }, Math.max(0, Number(r.usd)));
    },
  });

  new Gauge({
    name: `${p}spend_today_usd`,
    help: 'Money committed to each provider today (UTC), USD.',
    labelNames: ['provider'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await db.query<{ provider: string; usd: number }>(
        "SELECT provider, sum(usd)::float8 AS usd FROM costs WHERE day = (now() at time zone 'utc')::date GROUP BY provider",
      ))
        this.set({ provider: r.provider }, Number(r.usd));
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    text: () => registry.metrics(),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
