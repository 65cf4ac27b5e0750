import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Database, openDatabase } from '@beatframe/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics, PIPELINE_QUEUES, readiness, startHealthServer } from '../src/index.js';

let dir: string;
let db: Database;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bf-ops-'));
  db = await openDatabase({ dataDir: dir });
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The value of one sample line of a Prometheus text exposition, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const ok = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (ok) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('readiness', () => {
  it('is not ready while the job queue does not exist, and says which', async () => {
    const r = await readiness({ database: db, queues: PIPELINE_QUEUES });
    expect(r.checks.database.ok).toBe(true);
    expect(r.ok).toBe(false);
    expect(r.checks.queue.error).toMatch(/pgboss|beatframe-stage/);
  });
  it('reports a database that does not answer, without its connection string', async () => {
    const down = {
      kind: 'postgres' as const,
      query: async () => {
        throw new Error('connect ECONNREFUSED for postgres://app:hunter22@db.internal:5432/x');
      },
    };
    const r = await readiness({ database: down, queues: [] });
    expect(r.ok).toBe(false);
    expect(r.checks.database.error).toContain('ECONNREFUSED');
    expect(JSON.stringify(r)).not.toContain('hunter22');
  });
  it('a worker answers /healthz and /readyz on its own port', async () => {
    const ready = {
      database: db,
      boss: { getQueue: async (n: string) => ({ name: n }) },
      queues: PIPELINE_QUEUES,
    };
    const s = await startHealthServer({ target: ready, host: '127.0.0.1', port: 0 });
    try {
      expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
      const r = await fetch(`${s.url}/readyz`);
      expect(r.status).toBe(200);
      expect(((await r.json()) as { ok: boolean }).ok).toBe(true);
      expect((await fetch(`${s.url}/metrics`)).status).toBe(404);
    } finally {
      await s.close();
    }
    const s2 = await startHealthServer({
      target: { database: db, queues: ['missing'] },
      host: '127.0.0.1',
      port: 0,
    });
    try {
      expect((await fetch(`${s2.url}/readyz`)).status).toBe(503);
    } finally {
      await s2.close();
    }
  });
});

describe('metrics', () => {
  it('reads projects, stage times, submissions, errors by kind, key switches and spend from the database', async () => {
    await db.query(`
      INSERT INTO projects (id, name, status, stage, input, options) VALUES
        ('p1', 'one', 'running', 'generate', '{}', '{"provider":"fal"}'),
        ('p2', 'two', 'done', 'deliver', '{}', '{"provider":"fal"}'),
        ('p3', 'three', 'paused', 'generate', '{}', '{"provider":"veo"}');
      INSERT INTO stages (project_id, name, status, started_at, finished_at) VALUES
        ('p2', 'render', 'done', now() - interval '42 seconds', now()),
        ('p2', 'analyze', 'done', now() - interval '2 seconds', now()),
        ('p1', 'render', 'running', now(), NULL);
      INSERT INTO provider_jobs (project_id, shot_id, attempt, provider, job_id, ref, state) VALUES
        ('p1', 's1', 1, 'fal', 'j1', '{}', 'done'), ('p1', 's2', 1, 'fal', 'j2', '{}', 'submitted'),
        ('p3', 's1', 1, 'veo', 'j3', '{}', 'failed');
      INSERT INTO events (project_id, type, payload) VALUES
        ('p1', 'log', '{"stage":"generate","level":"warn","message":"s1: quota: out of credit"}'),
        ('p1', 'log', '{"stage":"generate","level":"warn","message":"s2: retryable: 503"}'),
        ('p3', 'log', '{"stage":"generate","level":"warn","message":"s1: quota: no"}'),
        ('p1', 'log', '{"stage":"render","level":"warn","message":"slow: not a provider error"}');
      INSERT INTO decisions (project_id, role, summary, output) VALUES
        ('p1', 'keyring', 'x', '{"provider":"fal","from":"fp:a","to":"fp:b","kind":"auth"}');
      INSERT INTO costs (project_id, provider, usd) VALUES ('p1', 'fal', 0.35), ('p1', 'fal', 0.7), ('p3', 'veo', 0.8);
    `);
    const m = createMetrics(db, { processMetrics: false });
    const text = await m.text();
    expect(m.contentType).toContain('text/plain');
    expect(sample(text, 'beatframe_projects', { state: 'running', stage: 'generate' })).toBe(1);
    expect(sample(text, 'beatframe_projects', { state: 'paused' })).toBe(1);
    expect(sample(text, 'beatframe_stage_duration_seconds_count', { stage: 'render' })).toBe(1);
    expect(sample(text, 'beatframe_stage_duration_seconds_bucket', { stage: 'render', le: '30' })).toBe(0);
    expect(sample(text, 'beatframe_stage_duration_seconds_bucket', { stage: 'render', le: '60' })).toBe(1);
    expect(
      sample(text, 'beatframe_provider_submissions_total', { provider: 'fal', state: 'submitted' }),
    ).toBe(1);
    expect(sample(text, 'beatframe_provider_errors_total', { provider: 'fal', kind: 'quota' })).toBe(1);
    expect(sample(text, 'beatframe_provider_errors_total', { provider: 'fal', kind: 'retryable' })).toBe(1);
    expect(sample(text, 'beatframe_provider_errors_total', { provider: 'veo', kind: 'quota' })).toBe(1);
    expect(text).not.toContain('not a provider error');
    expect(sample(text, 'beatframe_key_switches_total', { provider: 'fal', kind: 'auth' })).toBe(1);
    expect(sample(text, 'beatframe_spend_usd_total', { provider: 'fal' })).toBeCloseTo(1.05, 6);
    expect(sample(text, 'beatframe_spend_today_usd', { provider: 'veo' })).toBeCloseTo(0.8, 6);
    // Scraped twice: values are read again, not added up.
    const again = await m.text();
    expect(sample(again, 'beatframe_spend_usd_total', { provider: 'fal' })).toBeCloseTo(1.05, 6);
  });
});
