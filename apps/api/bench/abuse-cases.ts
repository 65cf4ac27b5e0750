/**
 * A scripted abuse run against a live API: traversal, SSRF forms, oversize, NUL, Unicode, huge numbers,
 * concurrency. Each case says what it tried and what came back; a case "breaks" on a 5xx, a hang, an
 * answer that names a server path, or a file left behind. Used by the fast test slice (`npm test`) and
 * by `pnpm --filter @beatframe/api abuse` (more of each, plus the timing figures).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface AbuseTarget {
  url: string;
  dataDir: string;
  uploadDir: string;
  /** Bytes of a short valid song. */
  song: Uint8Array;
  /** The server's upload limit, bytes. */
  maxUploadBytes: number;
}

export interface AbuseResult {
  category: string;
  what: string;
  outcome: string;
  ok: boolean;
}

type Case = { category: string; what: string; run: () => Promise<string> };

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

function formWith(fields: Record<string, string>, file?: { bytes: Uint8Array; name: string }): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  if (file) f.set('audio', new Blob([new Uint8Array(file.bytes)]), file.name);
  return f;
}

const FAST = { provider: 'local', crew: 'heuristic', renderer: 'ffmpeg', maxRounds: '0' };

/** Throws unless the response has one of `want`; returns "HTTP n: message". */
async function expectStatus(res: Response, want: number[], dataDir: string): Promise<string> {
  const text = await res.text();
  if (text.includes(dataDir)) throw new Error(`HTTP ${res.status}, and the answer names the data folder`);
  let message = '';
  try {
    message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? '';
  } catch {
    message = text.slice(0, 80);
  }
  if (!want.includes(res.status))
    throw new Error(`HTTP ${res.status} (wanted ${want.join('/')}): ${message}`);
  if (message.includes('\n')) throw new Error(`HTTP ${res.status} with a multi-line message`);
  return `HTTP ${res.status}${message ? `: ${message.slice(0, 110)}` : ''}`;
}

function percentile(ms: number[], p: number): number {
  const s = [...ms].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
}

export function abuseCases(t: AbuseTarget, opts: { concurrency: number }): Case[] {
  const get = (path: string, init?: RequestInit) =>
    fetch(t.url + path, { signal: AbortSignal.timeout(60_000), ...init });
  const cases: Case[] = [];
  const add = (category: string, what: string, run: () => Promise<string>) =>
    cases.push({ category, what, run });

  // --- traversal ---
  for (const id of ['..%2F..%2Fetc%2Fpasswd', '..', '%2e%2e', 'a%5Cb'])
    add('traversal', `GET /api/projects/${id}`, async () =>
      expectStatus(await get(`/api/projects/${id}`), [400, 404], t.dataDir),
    );
  for (const sunoId of ['../../etc/passwd', '/etc/passwd', 'file:///etc/passwd'])
    add('traversal', `create {sunoId: ${sunoId}}`, async () =>
      expectStatus(await get('/api/projects', json({ sunoId })), [400], t.dataDir),
    );
  add('traversal', 'upload named ../../escape.mp3', async () => {
    const res = await get('/api/projects', {
      method: 'POST',
      body: formWith(FAST, { bytes: t.song, name: '../../escape.mp3' }),
    });
    const out = await expectStatus(res, [201], t.dataDir);
    for (const p of [join(t.uploadDir, '..', 'escape.mp3'), join(t.uploadDir, '..', '..', 'escape.mp3')])
      if (existsSync(p)) throw new Error(`the upload escaped to ${p}`);
    return out;
  });

  // --- SSRF forms: refused at create, before anything is fetched ---
  for (const url of [
    'http://127.0.0.1/a.mp3',
    'http://[::1]/a.mp3',
    'http://[::ffff:127.0.0.1]/a.mp3',
    'http://0x7f000001/a.mp3',
    'http://2130706433/a.mp3',
    'http://0177.0.0.1/a.mp3',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/a.mp3',
    'http://192.0.2.2/a.mp3',
    'http://198.51.100.1/a.mp3',
    'http://203.0.113.9/a.mp3',
    'http://[fd00::2]/a.mp3',
    'http://localhost/a.mp3',
    'http://song.localhost/a.mp3',
    'http://user:secret@example.com/a.mp3',
    'file:///etc/passwd',
    'gopher://example.com/',
  ])
    add('ssrf', url, async () => expectStatus(await get('/api/projects', json({ url })), [400], t.dataDir));

  // --- oversize ---
  add('oversize', 'theme of 5 000 characters', async () =>
    expectStatus(
      await get('/api/projects', json({ url: 'https://example.com/a.mp3', theme: 'x'.repeat(5000) })),
      [400],
      t.dataDir,
    ),
  );
  add('oversize', `JSON body of ${Math.round((t.maxUploadBytes * 1.5) / 1024)} KB`, async () =>
    expectStatus(
      await get(
        '/api/estimate',
        json({ provider: 'local', durationSec: 5, pad: 'x'.repeat(t.maxUploadBytes * 1.5) }),
      ),
      [413],
      t.dataDir,
    ),
  );
  add('oversize', 'an upload over the limit', async () => {
    const before = readdirSafe(join(t.uploadDir, 'songs')).length;
    const big = new Uint8Array(Math.ceil(t.maxUploadBytes * 1.2)).fill(7);
    const out = await expectStatus(
      await get('/api/projects', { method: 'POST', body: formWith(FAST, { bytes: big, name: 'big.mp3' }) }),
      [413],
      t.dataDir,
    );
    if (readdirSafe(join(t.uploadDir, 'songs')).length !== before)
      throw new Error('the partial upload stayed');
    return out;
  });

  // --- NUL ---
  add('nul', 'theme with a NUL byte', async () =>
    expectStatus(
      await get('/api/projects', json({ url: 'https://example.com/a.mp3', theme: 'a\u0000b' })),
      [400],
      t.dataDir,
    ),
  );
  add('nul', 'project id with %00', async () =>
    expectStatus(await get('/api/projects/a%00b'), [400], t.dataDir),
  );
  add('nul', 'shot id with %00', async () =>
    expectStatus(await get('/api/projects/a/shots/s%00/clip'), [400], t.dataDir),
  );
  add('nul', 'multipart field with a NUL byte', async () =>
    expectStatus(
      await get('/api/projects', {
        method: 'POST',
        body: formWith({ ...FAST, title: 'a\u0000b' }, { bytes: t.song, name: 'song.mp3' }),
      }),
      [400],
      t.dataDir,
    ),
  );

  // --- Unicode ---
  add('unicode', 'emoji, RTL and combining marks in the theme and title', async () => {
    const theme = '🎵 مرحبا e\u0301 日本語';
    const res = await get(
      '/api/projects',
      json({ sunoId: '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b', theme, title: theme }),
    );
    const out = await expectStatus(res.clone(), [201], t.dataDir);
    const p = (await res.json()) as { id: string; options: { theme: string } };
    if (p.options.theme !== theme) throw new Error('the theme did not round-trip');
    return out;
  });
  add('unicode', 'half a surrogate pair in the theme', async () =>
    expectStatus(
      await get('/api/projects', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"url":"https://example.com/a.mp3","theme":"a\\ud800b"}',
      }),
      [400],
      t.dataDir,
    ),
  );

  // --- huge numbers ---
  for (const [path, body] of [
    ['/api/estimate', { provider: 'local', durationSec: 1e9 }],
    ['/api/estimate', { provider: 'local', durationSec: 1e308 }],
    ['/api/estimate', { provider: 'local', durationSec: -1 }],
    ['/api/projects', { url: 'https://example.com/a.mp3', maxRounds: 1e9 }],
    ['/api/projects', { url: 'https://example.com/a.mp3', approvedUsd: -5 }],
    ['/api/projects', { url: 'https://example.com/a.mp3', maxCostUsd: 1e308 }],
  ] as const)
    add('numbers', `POST ${path} ${JSON.stringify(body)}`, async () => {
      const t0 = performance.now();
      const out = await expectStatus(await get(path, json(body)), [400], t.dataDir);
      return `${out} (${(performance.now() - t0).toFixed(0)} ms)`;
    });
  add('numbers', 'estimate for a day of video (arithmetic, not an array per shot)', async () => {
    const t0 = performance.now();
    const res = await get('/api/estimate', json({ provider: 'veo', durationSec: 86_400 }));
    const out = await expectStatus(res.clone(), [200], t.dataDir);
    const e = (await res.json()) as { shots: number; usd: number };
    return `${out.split(':')[0]}: ${e.shots} shots, $${e.usd} in ${(performance.now() - t0).toFixed(0)} ms`;
  });

  // --- concurrency ---
  const n = opts.concurrency;
  add('concurrency', `${n} concurrent GET /api/projects`, async () => {
    const times: number[] = [];
    const results = await Promise.all(
      Array.from({ length: n }, async () => {
        const t0 = performance.now();
        const res = await get('/api/projects');
        await res.arrayBuffer();
        times.push(performance.now() - t0);
        return res.status;
      }),
    );
    const bad = results.filter((s) => s !== 200);
    if (bad.length) throw new Error(`${bad.length} answers were not 200: ${bad.slice(0, 3).join(', ')}`);
    return `all 200; p50 ${percentile(times, 0.5).toFixed(0)} ms, p95 ${percentile(times, 0.95).toFixed(0)} ms`;
  });
  add('concurrency', `${Math.ceil(n / 4)} concurrent invalid creates and estimates`, async () => {
    const results = await Promise.all(
      Array.from({ length: Math.ceil(n / 4) }, (_, i) =>
        i % 2
          ? get('/api/projects', json({ url: 'http://127.0.0.1/x.mp3' })).then((r) => r.status)
          : get('/api/estimate', json({ provider: 'local', durationSec: 1e308 })).then((r) => r.status),
      ),
    );
    if (results.some((s) => s !== 400)) throw new Error(`statuses ${[...new Set(results)].join(', ')}`);
    return `all 400`;
  });
  return cases;
}

function readdirSafe(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** Runs every case, printing each line through `print`; then checks the server still answers. */
export async function runAbuse(
  t: AbuseTarget,
  opts: { concurrency: number; print?: (line: string) => void },
): Promise<AbuseResult[]> {
  const results: AbuseResult[] = [];
  for (const c of abuseCases(t, opts)) {
    let r: AbuseResult;
    try {
      r = { category: c.category, what: c.what, outcome: await c.run(), ok: true };
    } catch (err) {
      r = { category: c.category, what: c.what, outcome: (err as Error).message, ok: false };
    }
    results.push(r);
    opts.print?.(`${r.ok ? 'ok    ' : 'BROKEN'} [${r.category}] ${r.what.slice(0, 90)} → ${r.outcome}`);
  }
  const alive = await fetch(`${t.url}/api/options`).then(
    (r) => r.status,
    () => 0,
  );
  const after = {
    category: 'after',
    what: 'the server still answers GET /api/options',
    outcome: `HTTP ${alive}`,
    ok: alive === 200,
  };
  results.push(after);
  opts.print?.(`${after.ok ? 'ok    ' : 'BROKEN'} [after] ${after.what} → ${after.outcome}`);
  return results;
}
