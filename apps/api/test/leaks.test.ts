import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, loadConfig } from '@beatframe/core';
import { type OpenAIVideosEmulator, startOpenAIVideosEmulator } from '@beatframe/emulators';
import { createBeatframe } from '@beatframe/pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/index.js';
import { makeSong, readSse } from './support.js';

// Every secret a deployment holds, each a value that would be found wherever it landed.
const GOOD_KEY = 'sk-leaktest-good-key-value-000000000001';
const BAD_KEY = 'sk-leaktest-revoked-key-value-00000002';
const TOKEN = 'api-token-leaktest-value-00000003';
const SECRETS = {
  OPENAI_API_KEYS: `${BAD_KEY},${GOOD_KEY}`,
  BEATFRAME_API_TOKEN: TOKEN,
  FAL_KEY: 'falid:fal-leaktest-secret-value-00000004',
  RUNWAYML_API_SECRET: 'key_runway_leaktest_value_00000005',
  SORA_PASSWORD: 'sora-leaktest-password-00000006',
  RAILWAY_API_TOKEN: 'railway-leaktest-token-00000007',
  BEATFRAME_ALERT_WEBHOOK_SECRET: 'webhook-leaktest-hmac-00000008',
  DATABASE_URL_PASSWORD: 'db-leaktest-password-00000009',
};
const VALUES = [
  GOOD_KEY,
  BAD_KEY,
  TOKEN,
  'fal-leaktest-secret-value-00000004',
  'key_runway_leaktest_value_00000005',
  'sora-leaktest-password-00000006',
  'railway-leaktest-token-00000007',
  'webhook-leaktest-hmac-00000008',
  'db-leaktest-password-00000009',
];
const leaksIn = (text: string) => VALUES.filter((v) => text.includes(v));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('a whole paid project leaks no secret', () => {
  let dir: string;
  let emu: OpenAIVideosEmulator;
  let log = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bf-leaks-'));
    // The vendor accepts only the second key of the ring: the first is refused, so a key switch happens.
    emu = await startOpenAIVideosEmulator({ apiKey: GOOD_KEY, latencyMs: 300 });
    await makeSong(join(dir, 'song.mp3'), 5);
  });
  afterAll(async () => {
    await emu?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('not in logs, the database, files, API answers, events, metrics or the dashboard', async () => {
    const dataDir = join(dir, 'data');
    const config = loadConfig({ env: { BEATFRAME_DATA_DIR: dataDir }, cwd: dir });
    const logger = createLogger({
      level: 'debug',
      env: {},
      destination: new Writable({
        write(chunk, _e, cb) {
          log += chunk;
          cb();
        },
      }) as never,
    });
    const env = { ...SECRETS, OPENAI_BASE_URL: emu.baseUrl };
    const bf = await createBeatframe({ config, logger, env });
    const worker = await bf.startWorker({ concurrency: 2 });
    const server = await startServer({ port: 0, bf, token: TOKEN, logger });
    const auth = { Authorization: `Bearer ${TOKEN}` };
    const answers: string[] = [];
    let rows = '';
    const get = async (path: string) => {
      const res = await fetch(`${server.url}${path}`, { headers: auth });
      const text = await res.text();
      answers.push(`${path} ${res.status} ${JSON.stringify([...res.headers])} ${text}`);
      return { res, text };
    };
    try {
      const form = new FormData();
      for (const [k, v] of Object.entries({
        provider: 'openai-videos',
        crew: 'heuristic',
        renderer: 'ffmpeg',
        maxRounds: '0',
        theme: 'a lighthouse in a storm',
      }))
        form.set(k, v);
      form.set('audio', new Blob([readFileSync(join(dir, 'song.mp3'))], { type: 'audio/mpeg' }), 'song.mp3');
      const created = await fetch(`${server.url}/api/projects`, {
        method: 'POST',
        headers: auth,
        body: form,
      });
      answers.push(await created.clone().text());
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      expect(await bf.waitFor(id)).toMatchObject({ status: 'paused' });
      const approve = await fetch(`${server.url}/api/projects/${id}/approve`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(approve.status).toBe(202);
      const done = await bf.waitFor(id);
      expect(done.status, done.error ?? '').toBe('done');
      // The ring was used: the refused key was switched away from (the decision names fingerprints only).
      const decisions = await get(`/api/projects/${id}/decisions`);
      expect(decisions.text).toMatch(/fp:[0-9a-f]{10}/);

      // What the dashboard shows is what these answer (it renders them in the browser).
      for (const path of [
        '/api/projects',
        `/api/projects/${id}`,
        '/api/options',
        '/api/ops/keys',
        '/api/ops/alerts',
        '/metrics',
      ])
        await get(path);
      const sse = await fetch(`${server.url}/api/projects/${id}/events?after=0`, { headers: auth });
      const events = await readSse(sse, (e) => e.event === 'done');
      answers.push(JSON.stringify(events));
      // Every row of every table, as text.
      const tables = await bf.engine.database.query<{ schema: string; name: string }>(
        "SELECT table_schema AS schema, table_name AS name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
      );
      expect(tables.length).toBeGreaterThan(5);
      for (const t of tables)
        rows += JSON.stringify(await bf.engine.database.query(`SELECT * FROM "${t.schema}"."${t.name}"`));
    } finally {
      await server.close();
      await worker.stop({ graceMs: 2000 });
      await bf.close();
    }

    // Every file the project left: clips, renders, storyboard, decision exports, the database's own files.
    const files = filesUnder(dataDir);
    expect(files.some((f) => f.endsWith('.mp4'))).toBe(true);

    expect(log.length).toBeGreaterThan(1000);
    expect(leaksIn(log), 'logs').toEqual([]);
    expect(leaksIn(rows), 'database rows').toEqual([]);
    expect(leaksIn(answers.join('\n')), 'API answers').toEqual([]);
    for (const f of files) expect(leaksIn(readFileSync(f).toString('latin1')), f).toEqual([]);
  }, 240_000);
});
