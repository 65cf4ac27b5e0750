import { lookup } from 'node:dns/promises';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, Song } from '@beatframe/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestSong, isPrivateAddress, sunoSongId } from '../src/index.js';
import { FIXTURE_DIR, ffmpeg } from './fixtures.js';

const SONG_ID = '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b';
let mp3: string;
let server: Server;
let base: string;
const hits: string[] = [];

/** A local server for every remote source: plain files, an HTML page, a stalled response, and the suno-api protocol. */
function startServer(): Promise<void> {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    hits.push(url.pathname + url.search);
    if (
      url.pathname === '/song.mp3' ||
      url.pathname === `/cdn/${SONG_ID}.mp3` ||
      url.pathname === '/audio/clip.mp3'
    ) {
      const body = readFileSync(mp3);
      res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': body.length });
      return res.end(body);
    }
    if (url.pathname === '/redirect') {
      res.writeHead(302, { location: '/song.mp3' });
      return res.end();
    }
    if (url.pathname === '/page') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end('<!doctype html><html><body>a song page</body></html>');
    }
    if (url.pathname === '/sneaky-page') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end('<!DOCTYPE html><html><body>still a page</body></html>');
    }
    if (url.pathname === '/stall') {
      res.writeHead(200, { 'content-type': 'audio/mpeg' });
      res.write(Buffer.alloc(1000));
      return; // never ends
    }
    if (url.pathname === '/cover.jpeg') {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      return res.end(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    }
    // suno-api (gcui-art/suno-api) protocol: GET /api/get?ids=… → AudioInfo[]
    if (url.pathname === '/api/get') {
      const ids = (url.searchParams.get('ids') ?? '').split(',');
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(
        JSON.stringify(
          ids.map((id) => ({
            id,
            title: 'Neon Tide',
            image_url: `${base}/cover.jpeg`,
            lyric: '[Verse]\nCity lights\n[Chorus]\nRide the tide',
            audio_url: `${base}/audio/clip.mp3`,
            video_url: '',
            created_at: '2025-01-01T00:00:00.000Z',
            model_name: 'chirp-v4',
            status: 'complete',
            gpt_description_prompt: '',
            prompt: '',
            type: 'gen',
            tags: 'synthwave, female vocals, 120 bpm',
            duration: '6.0',
          })),
        ),
      );
    }
    if (url.pathname === '/api/get_aligned_lyrics') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(
        JSON.stringify([
          { word: '[Verse]\nCity ', start_s: 0.5, end_s: 0.9, success: true, p_align: 0.9 },
          { word: 'lights\n', start_s: 0.9, end_s: 1.4, success: true, p_align: 0.9 },
        ]),
      );
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve();
    }),
  );
}

beforeAll(async () => {
  mp3 = join(FIXTURE_DIR, 'tagged.mp3');
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=330:sample_rate=44100:duration=6',
    '-metadata',
    'title=Test Tone',
    '-metadata',
    'artist=The Oscillators',
    '-metadata',
    'genre=Ambient; Drone',
    '-b:a',
    '128k',
    mp3,
  ]);
  await startServer();
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const dest = () => mkdtemp(join(tmpdir(), 'bf-ingest-'));

describe('ingestSong from local files', () => {
  it('copies a tagged MP3 and describes it', async () => {
    const dir = await dest();
    const song = await ingestSong(mp3, { destDir: dir });
    expect(Song.parse(song)).toEqual(song);
    expect(song).toMatchObject({
      title: 'Test Tone',
      artist: 'The Oscillators',
      styleTags: ['Ambient', 'Drone'],
      source: { kind: 'file', path: mp3 },
    });
    expect(song.durationSec).toBeGreaterThan(5.9);
    expect(song.durationSec).toBeLessThan(6.2);
    expect(song.audioPath.startsWith(dir)).toBe(true);
    expect(statSync(song.audioPath).size).toBe(statSync(mp3).size);
  });

  it('takes the title option and a lyrics file', async () => {
    const dir = await dest();
    const lrc = join(dir, 'words.lrc');
    writeFileSync(lrc, '[00:01.00]one\n[00:02.00]two');
    const song = await ingestSong(mp3, { destDir: dir, title: 'My Title', lyricsPath: lrc });
    expect(song.title).toBe('My Title');
    expect(song.lyrics?.lines.map((l) => l.text)).toEqual(['one', 'two']);
  });

  it('ingests the other common formats', async () => {
    for (const ext of ['wav', 'flac', 'm4a', 'ogg', 'opus']) {
      const path = join(FIXTURE_DIR, `tone.${ext}`);
      ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=2', path]);
      const song = await ingestSong(path, { destDir: await dest() });
      expect(song.durationSec, ext).toBeGreaterThan(1.9);
      expect(song.title).toBe('tone');
    }
  });

  it('refuses missing, empty, non-audio and truncated files with one-line InputErrors', async () => {
    const dir = await dest();
    await expect(ingestSong(join(dir, 'nope.mp3'), { destDir: dir })).rejects.toThrow(/no such file/);
    const empty = join(dir, 'empty.mp3');
    writeFileSync(empty, '');
    await expect(ingestSong(empty, { destDir: await dest() })).rejects.toThrow(/is empty/);
    const text = join(dir, 'readme.mp3');
    writeFileSync(text, 'definitely not audio '.repeat(100));
    await expect(ingestSong(text, { destDir: await dest() })).rejects.toThrow(/not decodable audio/);
    // An MP3 cut in half: its Xing header still announces the full length.
    const long = join(FIXTURE_DIR, 'long.mp3');
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100:duration=20', '-b:a', '128k', long]);
    const bytes = readFileSync(long);
    const cut = join(dir, 'cut.mp3');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const err = await ingestSong(cut, { destDir: await dest() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/truncated/);
    expect((err as Error).message).not.toContain('\n');
  });
});

describe('ingestSong from URLs', () => {
  it('downloads an audio URL (following a redirect) when private networks are allowed', async () => {
    const dir = await dest();
    const song = await ingestSong(`${base}/redirect`, { destDir: dir, allowPrivateNetwork: true });
    expect(song.source).toEqual({ kind: 'url', url: `${base}/redirect` });
    expect(song.audioPath).toBe(join(dir, 'song.mp3'));
    expect(song.title).toBe('Test Tone');
  });

  it('refuses loopback, private and link-local addresses by default', async () => {
    await expect(ingestSong(`${base}/song.mp3`, { destDir: await dest() })).rejects.toThrow(/private/);
    await expect(
      ingestSong('http://169.254.169.254/latest/meta-data', { destDir: await dest() }),
    ).rejects.toThrow(/private/);
    await expect(ingestSong('http://localhost:1/x.mp3', { destDir: await dest() })).rejects.toThrow(
      /private/,
    );
    await expect(ingestSong('http://[::1]:1/x.mp3', { destDir: await dest() })).rejects.toThrow(/private/);
    expect(isPrivateAddress('10.1.2.3')).toBe(true);
    expect(isPrivateAddress('192.168.0.10')).toBe(true);
    expect(isPrivateAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isPrivateAddress('fd00::1')).toBe(true);
    expect(isPrivateAddress('93.184.216.34')).toBe(false);
    expect(isPrivateAddress('2606:4700::1111')).toBe(false);
  });

  it('checks the address a host name resolves to, at connect time', async () => {
    const port = new URL(base).port;
    // This machine's own name resolves to a loopback or private address: refused by the DNS guard.
    const host = hostname();
    const resolved = await lookup(host).catch(() => undefined);
    if (resolved && isPrivateAddress(resolved.address))
      await expect(ingestSong(`http://${host}:${port}/song.mp3`, { destDir: await dest() })).rejects.toThrow(
        /resolves to a private address/,
      );
    // A name that resolves (with private networks allowed) downloads through the same lookup.
    const song = await ingestSong(`http://localhost:${port}/song.mp3`, {
      destDir: await dest(),
      allowPrivateNetwork: true,
    });
    expect(song.durationSec).toBeGreaterThan(5.9);
  });

  it('refuses HTML pages, oversized and stalled downloads, and bad schemes', async () => {
    const open = { allowPrivateNetwork: true };
    await expect(ingestSong(`${base}/page`, { destDir: await dest(), ...open })).rejects.toThrow(/HTML page/);
    await expect(ingestSong(`${base}/sneaky-page`, { destDir: await dest(), ...open })).rejects.toThrow(
      /HTML page/,
    );
    await expect(
      ingestSong(`${base}/song.mp3`, { destDir: await dest(), ...open, maxBytes: 1000 }),
    ).rejects.toThrow(/limit/);
    await expect(
      ingestSong(`${base}/stall`, { destDir: await dest(), ...open, timeoutMs: 400 }),
    ).rejects.toThrow(/timed out/);
    await expect(ingestSong(`${base}/missing.mp3`, { destDir: await dest(), ...open })).rejects.toThrow(
      /HTTP 404/,
    );
    await expect(ingestSong('ftp://example.com/a.mp3', { destDir: await dest() })).rejects.toThrow(
      InputError,
    );
  });
});

describe('ingestSong from Suno', () => {
  it('recognises song page URLs and bare ids', () => {
    expect(sunoSongId(`https://suno.com/song/${SONG_ID}`)).toBe(SONG_ID);
    expect(sunoSongId(`https://app.suno.ai/song/${SONG_ID}/?sh=x`)).toBe(SONG_ID);
    expect(sunoSongId(SONG_ID.toUpperCase())).toBe(SONG_ID);
    expect(sunoSongId('https://suno.com/playlist/abc')).toBeUndefined();
    expect(sunoSongId('song.mp3')).toBeUndefined();
  });

  it('takes audio and metadata from a suno-api server', async () => {
    const dir = await dest();
    hits.length = 0;
    const song = await ingestSong(`https://suno.com/song/${SONG_ID}`, {
      destDir: dir,
      sunoApiBaseUrl: base,
      allowPrivateNetwork: true,
    });
    expect(hits).toContain(`/api/get?ids=${SONG_ID}`);
    expect(song).toMatchObject({
      title: 'Neon Tide',
      styleTags: ['synthwave', 'female vocals', '120 bpm'],
      source: { kind: 'suno', id: SONG_ID, url: `https://suno.com/song/${SONG_ID}` },
    });
    expect(song.lyrics?.timing).toBe('word');
    expect(song.lyrics?.lines[0]).toMatchObject({ text: 'City lights', start: 0.5, section: 'Verse' });
    expect(song.coverImagePath && existsSync(song.coverImagePath)).toBe(true);
    expect(song.audioPath).toBe(join(dir, `${SONG_ID}.mp3`));
  });

  it('still guards the audio URL a suno-api server returns', async () => {
    await expect(ingestSong(SONG_ID, { destDir: await dest(), sunoApiBaseUrl: base })).rejects.toThrow(
      /private/,
    );
  });

  it('falls back to the CDN file without a suno-api server', async () => {
    const song = await ingestSong(SONG_ID, {
      destDir: await dest(),
      sunoApiBaseUrl: '',
      sunoCdnBaseUrl: `${base}/cdn`,
      allowPrivateNetwork: true,
    });
    expect(song.source).toEqual({ kind: 'suno', id: SONG_ID });
    expect(song.durationSec).toBeGreaterThan(5.9);
  });
});
