import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { type AudioAnalysis, cutGrid, type Song, type Timeline, writeFileAtomic } from '@beatframe/core';
import type { Beatframe } from '@beatframe/pipeline';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { fileResponse } from './files.js';
import { binary, json, route } from './openapi.js';
import * as S from './schemas.js';
import { engineOf, fail, projectOr404 } from './studio-util.js';

const run = promisify(execFile);
const PEAKS = 600;

/** Loudness peaks of the song (0…1), for the waveform under the player; computed once, kept beside the song. */
async function peaks(audioPath: string, cache: string): Promise<number[]> {
  if (existsSync(cache)) return JSON.parse(await readFile(cache, 'utf8')) as number[];
  // 1 kHz mono 16-bit is plenty for a picture of the song's shape.
  const { stdout } = await run(
    'ffmpeg',
    ['-v', 'error', '-i', audioPath, '-ac', '1', '-ar', '1000', '-f', 's16le', '-'],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  const samples = new Int16Array(stdout.buffer, stdout.byteOffset, Math.floor(stdout.length / 2));
  const per = Math.max(1, Math.floor(samples.length / PEAKS));
  const out: number[] = [];
  for (let i = 0; i < samples.length; i += per) {
    let max = 0;
    for (let j = i; j < Math.min(samples.length, i + per); j++)
      max = Math.max(max, Math.abs(samples[j] ?? 0));
    out.push(Math.round((max / 32768) * 1000) / 1000);
  }
  await writeFileAtomic(cache, JSON.stringify(out));
  return out;
}

/** A take's id: `a3` for the third generation, `m<ms>` for an uploaded (or re-picked) clip. */
function takeOf(file: string, shotId: string): { id: string; attempt?: number } | undefined {
  const a = new RegExp(`^${shotId}-a(\\d+)\\.mp4$`).exec(file);
  if (a) return { id: `a${a[1]}`, attempt: Number(a[1]) };
  const m = new RegExp(`^${shotId}-manual-(\\d+)\\.\\w+$`).exec(file);
  return m ? { id: `m${m[1]}` } : undefined;
}

/** Takes, the timeline under the player, and the stage durations this machine has measured (for an ETA). */
export function mountTimelineRoutes(app: OpenAPIHono, opts: { bf: Beatframe }): void {
  const { bf } = opts;
  const engine = () => engineOf(bf);

  const takesOf = async (c: Context) => {
    const d = await projectOr404(bf, c.req.param('id') ?? '');
    const s = d.shots.find((x) => x.id === c.req.param('shotId'));
    if (!s) fail(404, 'NOT_FOUND', `no shot ${c.req.param('shotId')}`);
    const dir = engine().projectDir(d.project.id);
    const files = await readdir(join(dir, 'clips')).catch(() => [] as string[]);
    const all = [];
    for (const f of files.sort()) {
      const t = takeOf(f, s.id);
      if (!t) continue;
      const path = join(dir, 'clips', f);
      all.push({ ...t, path, size: (await stat(path)).size });
    }
    // Picking a take copies it as an upload: that copy is the same take, not a new one.
    const generated = new Map(all.filter((t) => t.attempt).map((t) => [t.size, t.id]));
    const currentFile = s.clipPath ? basename(s.clipPath) : undefined;
    const current = all.find((t) => basename(t.path) === currentFile);
    const currentId = current
      ? current.attempt
        ? current.id
        : (generated.get(current.size) ?? current.id)
      : undefined;
    const takes = all
      .filter((t) => t.attempt || !generated.has(t.size))
      .map((t) => ({
        id: t.id,
        label: t.attempt ? `take ${t.attempt}` : 'your upload',
        current: t.id === currentId,
        clipUrl: `/api/projects/${d.project.id}/shots/${s.id}/takes/${t.id}/clip`,
        ...(t.attempt && existsSync(join(dir, 'thumbs', `${s.id}-a${t.attempt}.jpg`))
          ? { thumbnailUrl: `/api/projects/${d.project.id}/shots/${s.id}/takes/${t.id}/thumbnail` }
          : {}),
        path: t.path,
        thumb: t.attempt ? join(dir, 'thumbs', `${s.id}-a${t.attempt}.jpg`) : undefined,
      }));
    return { d, s, takes };
  };
  const pick = async (c: Context) => {
    const r = await takesOf(c);
    const t = r.takes.find((x) => x.id === c.req.param('take'));
    if (!t) fail(404, 'NOT_FOUND', `shot ${r.s.id} has no take ${c.req.param('take')}`);
    return { ...r, t };
  };

  route(
    app,
    {
      method: 'get',
      path: '/api/projects/{id}/shots/{shotId}/takes',
      summary: 'Every take of a shot (each generation is kept)',
      responses: { 200: json(S.TakesJson) },
    },
    async (c) => {
      const { takes } = await takesOf(c);
      return c.json({ takes: takes.map(({ path: _p, thumb: _t, ...t }) => t) });
    },
  );
  route(
    app,
    {
      method: 'get',
      path: '/api/projects/{id}/shots/{shotId}/takes/{take}/clip',
      summary: "One take's clip (HTTP Range)",
      responses: { 200: binary('video/mp4', 'the clip') },
    },
    async (c) => {
      const { t } = await pick(c);
      return fileResponse(c.req.raw, t.path);
    },
    ['GET', 'HEAD'],
  );
  route(
    app,
    {
      method: 'get',
      path: '/api/projects/{id}/shots/{shotId}/takes/{take}/thumbnail',
      summary: "One take's thumbnail",
      responses: { 200: binary('image/jpeg', 'the thumbnail') },
    },
    async (c) => {
      const { t } = await pick(c);
      if (!t.thumb || !existsSync(t.thumb)) fail(404, 'NOT_FOUND', 'no thumbnail for that take');
      return fileResponse(c.req.raw, t.thumb);
    },
  );
  route(
    app,
    {
      method: 'post',
      path: '/api/projects/{id}/shots/{shotId}/takes/{take}/use',
      summary: 'Use this take for the shot, then edit and render again',
      responses: {
        200: json(S.UsedTakeJson, 'already the current take'),
        202: json(S.UsedTakeJson, 'queued'),
      },
    },
    async (c) => {
      const { d, s, t } = await pick(c);
      if (t.current) return c.json({ id: d.project.id, take: t.id, unchanged: true });
      // The same path as a replaced clip: the shot takes it, and the cut is edited and rendered again.
      await bf.replaceShotClip(d.project.id, s.id, t.path);
      return c.json({ id: d.project.id, take: t.id }, 202);
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/projects/{id}/timeline',
      summary: "Waveform peaks, beats, sections and the cut's shots, for the timeline view",
      responses: { 200: json(S.TimelineViewJson) },
    },
    async (c) => {
      const d = await projectOr404(bf, c.req.param('id') ?? '');
      const id = d.project.id;
      const e = engine();
      const song = await e.stageOutput<Song>(id, 'ingest').catch(() => undefined);
      if (!song) fail(404, 'NOT_FOUND', 'the song is not read yet');
      const analysis = await e.stageOutput<AudioAnalysis>(id, 'analyze').catch(() => undefined);
      const edit = await e.stageOutput<{ timeline: Timeline }>(id, 'edit').catch(() => undefined);
      const cut = edit?.timeline;
      // The cut's own times when it exists (they differ from the storyboard's), else the plan's.
      const shots = cut
        ? cut.items
            .filter((i) => i.shotId)
            .map((i) => ({
              shotId: i.shotId as string,
              start: i.startFrame / cut.fps,
              end: (i.startFrame + i.durationFrames) / cut.fps,
            }))
        : d.shots.map((s) => ({ shotId: s.id, start: s.start, end: s.end }));
      const indexOf = new Map(d.shots.map((s) => [s.id, s.index]));
      const wave = existsSync(song.audioPath)
        ? await peaks(song.audioPath, join(e.projectDir(id), 'waveform.json')).catch(() => [])
        : [];
      const grid = analysis ? cutGrid(analysis) : undefined;
      return c.json({
        durationSec: song.durationSec,
        bpm: analysis?.bpm ?? 0,
        beats: grid?.points ?? [],
        downbeats: grid?.bars ?? [],
        sections: (analysis?.sections ?? []).map((s) => ({ start: s.start, end: s.end, label: s.label })),
        shots: shots.map((s) => ({ ...s, index: indexOf.get(s.shotId) ?? 0 })),
        peaks: wave,
        fromCut: Boolean(cut),
        ...(grid ? { cutGrid: { level: grid.level, why: grid.why } } : {}),
      });
    },
  );

  // Seconds each stage took per second of song on this machine (median of the last runs), for an ETA.
  route(
    app,
    {
      method: 'get',
      path: '/api/studio/eta',
      summary: 'Seconds per song second each stage took on this machine (median), for an ETA',
      responses: { 200: json(S.EtaJson) },
    },
    async (c) => {
      const rows = await engine().database.query<{ name: string; sec: number; song: number | null }>(
        `SELECT s.name, extract(epoch FROM (s.finished_at - s.started_at))::float8 AS sec,
              (i.output->>'durationSec')::float8 AS song
       FROM stages s JOIN stages i ON i.project_id = s.project_id AND i.name = 'ingest'
       WHERE s.status = 'done' AND s.started_at IS NOT NULL AND s.finished_at IS NOT NULL
       ORDER BY s.finished_at DESC LIMIT 2000`,
      );
      const by = new Map<string, number[]>();
      for (const r of rows) {
        const song = Number(r.song);
        const sec = Number(r.sec);
        if (!(song > 0) || !(sec >= 0)) continue;
        const list = by.get(r.name) ?? [];
        if (list.length < 50) list.push(sec / song);
        by.set(r.name, list);
      }
      const median = (xs: number[]) => {
        const s = [...xs].sort((a, b) => a - b);
        return s[Math.floor(s.length / 2)] ?? 0;
      };
      return c.json({
        stages: Object.fromEntries(
          [...by].map(([name, xs]) => [name, { secPerSongSec: median(xs), samples: xs.length }]),
        ),
      });
    },
  );
}
