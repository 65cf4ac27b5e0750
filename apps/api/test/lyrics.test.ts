import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSong, startTestServer, type TestServer } from './support.js';

const LRC = '[00:00.50]Neon tide, carry me home\n[00:02.00]Light up the night\n';

describe('lyrics given with an uploaded song', () => {
  let t: TestServer;
  let song: Buffer;
  beforeAll(async () => {
    t = await startTestServer({ prefix: 'bf-api-lyrics-' });
    await makeSong(join(t.dir, 'song.mp3'), 4);
    song = readFileSync(join(t.dir, 'song.mp3'));
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (fields: Record<string, string>) => {
    const f = new FormData();
    for (const [k, v] of Object.entries({
      provider: 'local',
      crew: 'heuristic',
      renderer: 'ffmpeg',
      ...fields,
    }))
      f.set(k, v);
    f.set('audio', new Blob([new Uint8Array(song)], { type: 'audio/mpeg' }), 'song.mp3');
    return fetch(`${t.server.url}/api/projects`, { method: 'POST', body: f });
  };
  const lyricsDir = () => join(t.bf.config.dataDir, 'uploads', 'lyrics');

  it('are kept as the project lyrics file and read at ingest into the song', async () => {
    const res = await post({ lyrics: LRC });
    expect(res.status, await res.clone().text()).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const [row] = await (
      t.bf as unknown as { engine: { database: { query(q: string, v: unknown[]): Promise<unknown[]> } } }
    ).engine.database.query('SELECT input FROM projects WHERE id = $1', [id]);
    const lyricsPath = (row as { input: { lyricsPath?: string } }).input.lyricsPath!;
    expect(lyricsPath.startsWith(lyricsDir())).toBe(true);
    // Form fields arrive with CRLF line ends (the multipart rule); the lines are the same.
    expect(readFileSync(lyricsPath, 'utf8').replace(/\r\n/g, '\n')).toBe(LRC);
    // Ingest reads them: the song carries the timed lines.
    for (let i = 0; i < 600 && !(await t.bf.getProject(id)).song; i++)
      await new Promise((r) => setTimeout(r, 100));
    const lines = (await t.bf.getProject(id)).song?.lyrics?.lines ?? [];
    expect(lines.map((l) => [l.text, l.start])).toEqual([
      ['Neon tide, carry me home', 0.5],
      ['Light up the night', 2],
    ]);
    await t.bf.cancel(id);
  }, 240_000);

  it('refuses binary lyrics in one line and an oversized field with 413, leaving no file behind', async () => {
    const before = existsSync(lyricsDir()) ? readdirSync(lyricsDir()).length : 0;
    const bad = await post({ lyrics: `[00:01.00]a\u0000b` });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { message: string } };
    expect(body.error.message.split('\n')).toHaveLength(1);
    expect(body.error.message).not.toContain(t.dir);
    const huge = await post({ lyrics: 'la '.repeat(30_000) });
    expect(huge.status).toBe(413);
    expect(existsSync(lyricsDir()) ? readdirSync(lyricsDir()).length : 0).toBe(before);
  });
});
