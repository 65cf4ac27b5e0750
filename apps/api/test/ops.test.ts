import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support.js';

const TOKEN = 'ops-test-token-0123456789';
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({
    token: TOKEN,
    prefix: 'bf-api-ops-',
    env: { FAL_KEY: 'fal-single-key-000001', FAL_KEYS: 'fal-ring-key-0000002,fal-ring-key-0000003' },
  });
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('api: health, readiness, metrics, key rings', () => {
  it('/healthz and /readyz answer without a token and say nothing secret', async () => {
    const h = await fetch(`${t.server.url}/healthz`);
    expect(h.status).toBe(200);
    expect(await h.json()).toMatchObject({ ok: true });
    const r = await fetch(`${t.server.url}/readyz`);
    const body = (await r.json()) as { ok: boolean; checks: Record<string, { ok: boolean }> };
    expect(r.status).toBe(200);
    expect(body.ok).toBe(true);
    expect(body.checks.database?.ok).toBe(true);
    expect(body.checks.queue?.ok).toBe(true);
  });

  it('/metrics needs the token and speaks the Prometheus text format', async () => {
    expect((await fetch(`${t.server.url}/metrics`)).status).toBe(401);
    const res = await fetch(`${t.server.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('# TYPE beatframe_projects gauge');
    expect(text).toContain('# TYPE beatframe_stage_duration_seconds histogram');
    expect(text).toContain('# TYPE beatframe_provider_errors_total counter');
    expect(text).toContain('beatframe_process_resident_memory_bytes');
  });

  it('/api/ops/keys lists each ring by fingerprint, behind the token', async () => {
    expect((await fetch(`${t.server.url}/api/ops/keys`)).status).toBe(401);
    const res = await fetch(`${t.server.url}/api/ops/keys`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    // The API reads the process environment; the values never appear, fingerprints do.
    expect(text).not.toMatch(/fal-(single|ring)-key/);
    const body = JSON.parse(text) as { rings: Array<{ provider: string; ringVariable: string }> };
    expect(body.rings.map((r) => r.provider).sort()).toEqual(['fal', 'openai-videos', 'runway', 'veo']);
    expect(body.rings.find((r) => r.provider === 'fal')?.ringVariable).toBe('FAL_KEYS');
  });
});
