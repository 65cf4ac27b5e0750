import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Decision, Song, Storyboard } from '@beatframe/core';
import { runFfmpeg } from '@beatframe/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateVideo, parseVision } from '../src/index.js';
import { calmSource, energeticSource, makeSong, makeVideo, type SongSection } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-eval-vision-'));
const fps = 30;
const song = join(dir, 'song.wav');
const sections: SongSection[] = [0, 1, 2, 3].map((i) => ({
  start: i * 3,
  end: i * 3 + 3,
  loud: i % 2 === 1,
}));
const matched = join(dir, 'matched.mp4');
const swapped = join(dir, 'swapped.mp4');

interface SeenRequest {
  auth: string | undefined;
  body: {
    model: string;
    response_format?: { type: string };
    messages: Array<{
      role: string;
      content: string | Array<{ type: string; text?: string; image_url?: { url: string } }>;
    }>;
  };
}
const seen: SeenRequest[] = [];
let server: Server;
let baseURL: string;

/** Mean colour of a JPEG data URL, decoded by ffmpeg. */
async function meanColour(dataUrl: string, i: number): Promise<[number, number, number]> {
  const file = join(dir, `frame-${i}.jpg`);
  writeFileSync(file, Buffer.from(dataUrl.replace(/^data:image\/jpeg;base64,/, ''), 'base64'));
  const { stdout } = await runFfmpeg(
    ['-i', file, '-vf', 'scale=1:1:flags=area', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    {
      binary: true,
    },
  );
  return [stdout[0]!, stdout[1]!, stdout[2]!];
}

/**
 * An OpenAI-compatible chat completions endpoint standing in for a vision model: it really looks at the
 * frames (bright warm pictures read as energetic, dim cool ones as calm) and compares them with the music
 * described in the text part, answering in the Chat Completions wire format.
 */
beforeAll(async () => {
  let n = 0;
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => {
      raw += d;
    });
    req.on('end', async () => {
      const auth = req.headers.authorization;
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
      }
      if (auth !== 'Bearer sk-test-vision-123') {
        res.writeHead(401, { 'content-type': 'application/json' });
        return res.end(
          JSON.stringify({
            error: {
              message: 'Incorrect API key provided',
              type: 'invalid_request_error',
              code: 'invalid_api_key',
            },
          }),
        );
      }
      const body = JSON.parse(raw) as SeenRequest['body'];
      seen.push({ auth, body });
      const user = body.messages.find((m) => m.role === 'user')!;
      const parts = Array.isArray(user.content) ? user.content : [];
      const text = parts.find((p) => p.type === 'text')?.text ?? '';
      const images = parts.filter((p) => p.type === 'image_url').map((p) => p.image_url!.url);
      const colours = await Promise.all(images.map((u) => meanColour(u, n++)));
      const [r, , b] = colours[0]!;
      const energetic = r > 150 && r > b + 60;
      const loudMusic = /intense, loud/.test(text);
      const answer = {
        mood: energetic ? 'fiery, energetic' : 'calm, nocturnal',
        moodFit: energetic === loudMusic ? 0.9 : 0.1,
        contentFit: 0.8,
        styleFit: energetic ? 0.6 : 0.9,
        notes: energetic === loudMusic ? '' : loudMusic ? 'needs more energy' : 'too busy for a quiet part',
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: `chatcmpl-${n}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: JSON.stringify(answer), refusal: null },
              logprobs: null,
              finish_reason: 'stop',
            },
          ],
          usage: { prompt_tokens: 300, completion_tokens: 40, total_tokens: 340 },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  await makeSong(song, { durationSec: 12, bpm: 120, sections });
  const shots = (match: boolean) =>
    Array.from({ length: 4 }, (_, i) => {
      const energetic = match ? sections[i]!.loud : !sections[i]!.loud;
      return { source: energetic ? energeticSource(i, fps) : calmSource(i, fps), frames: 90 };
    });
  await Promise.all([
    makeVideo(matched, shots(true), { fps, songPath: song }),
    makeVideo(swapped, shots(false), { fps, songPath: song }),
  ]);
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

const storyboard: Storyboard = {
  brief: {
    title: 'Night drive',
    concept: 'a drive at night',
    arc: 'calm to fiery',
    mood: 'nocturnal, euphoric',
  },
  styleBible: {
    look: 'neon night',
    palette: ['deep blue', 'orange'],
    characters: [],
    places: [],
    lens: '35mm',
    camera: 'handheld',
    motifs: [],
    avoid: ['daylight'],
  },
  scenes: [],
  shots: [0, 1, 2, 3].map((i) => ({
    id: `s${i + 1}`,
    sceneId: 'sc1',
    index: i,
    start: i * 3,
    end: i * 3 + 3,
    description: i % 2 ? 'fire on the highway' : 'quiet city lights',
    mood: i % 2 ? 'fiery' : 'calm',
    energy: i % 2 ? 0.9 : 0.2,
    prompt: i % 2 ? 'flames along a highway at night' : 'city lights from a bridge',
  })),
};
const lyricSong: Song = {
  title: 'Night drive',
  styleTags: [],
  audioPath: song,
  durationSec: 12,
  source: { kind: 'file', path: song },
  lyrics: { timing: 'line', lines: [{ text: 'burning down the line', start: 3.2, end: 5.8 }] },
};

describe('vision model judging', () => {
  it('asks an OpenAI-compatible vision model about each shot and uses its mood fit', async () => {
    const env = {
      OPENAI_API_KEY: 'sk-test-vision-123',
      OPENAI_BASE_URL: baseURL,
      BEATFRAME_VISION_MODEL: 'vision-test-1',
    };
    const decisions: Decision[] = [];
    const good = await evaluateVideo(
      matched,
      { songPath: song, storyboard, song: lyricSong, analyze: 'fallback' },
      { env, decisions: { record: (d) => void decisions.push({ ...d, at: '' }) } },
    );
    const bad = await evaluateVideo(swapped, { songPath: song, storyboard, analyze: 'fallback' }, { env });
    expect(seen.length).toBe(8);
    const first = seen[0]!.body;
    expect(first.model).toBe('vision-test-1');
    expect(first.response_format).toEqual({ type: 'json_object' });
    const parts = first.messages[1]!.content as Array<{
      type: string;
      text?: string;
      image_url?: { url: string };
    }>;
    expect(parts.filter((p) => p.type === 'image_url')).toHaveLength(2);
    expect(parts[1]!.image_url!.url).toMatch(/^data:image\/jpeg;base64,\/9j\//);
    const loudText = seen
      .map((s) => (s.body.messages[1]!.content as Array<{ text?: string }>)[0]!.text!)
      .find((t) => /fire on the highway/.test(t))!;
    expect(loudText).toMatch(/Lyrics sung over it: "burning down the line"/);
    expect(loudText).toMatch(/Style bible: neon night; palette deep blue, orange/);

    expect(good.report.metrics.visionMoodFit).toBeCloseTo(0.9, 2);
    expect(bad.report.metrics.visionMoodFit).toBeCloseTo(0.1, 2);
    expect(good.report.shots!.map((s) => s.shotId)).toEqual(['s1', 's2', 's3', 's4']);
    expect(good.report.shots![1]!.vision).toMatchObject({
      mood: 'fiery, energetic',
      moodFit: 0.9,
      model: 'vision-test-1',
    });
    expect(good.report.components!.mood).toBeGreaterThan(0.85);
    expect(bad.report.components!.mood).toBeLessThan(0.2);
    expect(bad.report.issues.filter((i) => i.kind === 'shot-mood-mismatch').map((i) => i.shotId)).toEqual([
      's1',
      's2',
      's3',
      's4',
    ]);
    const judged = decisions.filter((d) => d.role === 'vision-judge');
    expect(judged).toHaveLength(4);
    expect(judged[0]).toMatchObject({ model: 'vision-test-1', tokens: { input: 300, output: 40 } });
  });

  it('falls back to the heuristic mood, without leaking the key, when the model refuses the key', async () => {
    const env = { OPENAI_API_KEY: 'sk-wrong-key-456789', OPENAI_BASE_URL: baseURL };
    const r = (await evaluateVideo(matched, { songPath: song, analyze: 'fallback' }, { env })).report;
    const note = r.issues.find((i) => i.kind === 'vision-failed');
    expect(note?.message).toMatch(/401/);
    expect(JSON.stringify(r)).not.toContain('sk-wrong-key-456789');
    expect(r.metrics.visionMoodFit).toBeUndefined();
    expect(r.metrics.moodEnergyCorrelation).toBeGreaterThan(0.5);
  });

  it('reads lenient answers: code fences, 0–10 scales, snake case', () => {
    expect(parseVision('```json\n{"mood":"sad","mood_fit":"7","styleFit":0.5}\n```')).toEqual({
      mood: 'sad',
      moodFit: 0.7,
      styleFit: 0.5,
    });
    expect(parseVision('no json here')).toBeUndefined();
    expect(parseVision('{"mood":"x"}')).toBeUndefined();
  });
});
