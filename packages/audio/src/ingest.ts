import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { InputError, type Logger, type Lyrics, Song, type SongSource } from '@beatframe/core';
import { probeMedia, runFfmpeg } from '@beatframe/media';
import { readLyricsFile } from './lyrics.js';
import { downloadTo } from './net.js';
import { resolveSunoSong, type SunoOptions, sunoSongId } from './suno.js';

export interface IngestOptions extends SunoOptions {
  /** Where the song's files are put (created if missing). */
  destDir: string;
  /** A `.lrc`, `.json` (Suno aligned) or plain text lyrics file; wins over lyrics from the source. */
  lyricsPath?: string;
  title?: string;
  logger?: Logger;
  /** Longest song accepted, seconds: checked on the container header before decoding, and the decode stops there. */
  maxDurationSec?: number;
}

export interface ValidateAudioOptions {
  /** Longest song accepted, seconds (header probe first; the decode never reads past it). */
  maxDurationSec?: number;
}

function tooLong(path: string, seconds: number, max: number): InputError {
  const min = (s: number) => `${Math.round((s / 60) * 10) / 10} min`;
  return new InputError(`${path} is ${min(seconds)} long; the longest song accepted is ${min(max)}`, {
    code: 'TOO_LONG',
  });
}

const AUDIO_EXT = new Set([
  '.mp3',
  '.wav',
  '.flac',
  '.m4a',
  '.aac',
  '.ogg',
  '.oga',
  '.opus',
  '.webm',
  '.aif',
  '.aiff',
  '.mp4',
]);
const EXT_FOR_TYPE: Record<string, string> = {
  'audio/mpeg': '.mp3',
  'audio/mp3': '.mp3',
  'audio/wav': '.wav',
  'audio/x-wav': '.wav',
  'audio/wave': '.wav',
  'audio/flac': '.flac',
  'audio/x-flac': '.flac',
  'audio/mp4': '.m4a',
  'audio/x-m4a': '.m4a',
  'audio/aac': '.aac',
  'audio/ogg': '.ogg',
  'audio/opus': '.opus',
  'audio/webm': '.webm',
};

function safeName(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
  return clean.slice(0, 80) || 'song';
}

/**
 * Checks that a file is decodable audio: an audio stream, a positive duration, and a full decode
 * that reaches (close to) the duration the container announces — a cut-off download fails here.
 */
export async function validateAudio(
  path: string,
  signal?: AbortSignal,
  opts: ValidateAudioOptions = {},
): Promise<{ durationSec: number; tags: Record<string, string> }> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory())
    throw new InputError(`${path} is a folder, not an audio file`, { code: 'NOT_FILE' });
  if (!info?.isFile()) throw new InputError(`${path}: no such file`, { code: 'NOT_FOUND' });
  if (info.size === 0) throw new InputError(`${path} is empty`, { code: 'EMPTY' });
  const media = await probeMedia(path, { signal }).catch((err) => {
    if (err instanceof InputError)
      throw new InputError(`${path} is not decodable audio`, { code: 'NOT_AUDIO' });
    throw err;
  });
  if (!media.audio)
    throw new InputError(`${path} is not decodable audio (it has no audio stream)`, { code: 'NO_AUDIO' });
  const max = opts.maxDurationSec;
  if (max !== undefined && media.durationSec > max) throw tooLong(path, media.durationSec, max);
  // Decode everything at a low rate (never past the limit, whatever the header said); count what comes out.
  let decoded: number;
  let errors = '';
  try {
    const { stdout, stderr } = await runFfmpeg(
      [
        '-i',
        path,
        ...(max !== undefined ? ['-t', String(max + 1)] : []),
        '-vn',
        '-ac',
        '1',
        '-ar',
        '8000',
        '-f',
        's16le',
        'pipe:1',
      ],
      { signal, binary: true },
    );
    decoded = stdout.length / 2 / 8000;
    errors = stderr;
  } catch (err) {
    if ((err as { code?: string }).code === 'MISSING_TOOL' || (err as { code?: string }).code === 'ABORTED')
      throw err;
    throw new InputError(`${path} is not decodable audio`, { code: 'NOT_AUDIO', cause: err });
  }
  if (decoded <= 0.05) throw new InputError(`${path} contains no decodable audio`, { code: 'NOT_AUDIO' });
  if (max !== undefined && decoded > max) throw tooLong(path, decoded, max);
  const announced = media.durationSec;
  if (announced > 0 && decoded < announced * 0.97 - 0.5)
    throw new InputError(
      `${path} is truncated: it announces ${announced.toFixed(1)} s but only ${decoded.toFixed(1)} s decode`,
      { code: 'TRUNCATED' },
    );
  if (/invalid|error|corrupt/i.test(errors) && decoded < 1)
    throw new InputError(`${path} is not decodable audio`, { code: 'NOT_AUDIO' });
  const tags = Object.fromEntries(Object.entries(media.tags).map(([k, v]) => [k.toLowerCase(), v]));
  return { durationSec: decoded, tags };
}

async function downloadImage(url: string, destDir: string, opts: IngestOptions): Promise<string | undefined> {
  const ext = (/\.(jpe?g|png|webp)(?:[?#]|$)/i.exec(url)?.[1] ?? 'jpg').toLowerCase();
  const dest = join(destDir, `cover.${ext}`);
  try {
    await downloadTo(url, dest, { ...opts, maxBytes: 20 * 1024 * 1024 }, 'image');
    return dest;
  } catch (err) {
    opts.logger?.warn({ err: (err as Error).message }, 'cover image download failed');
    return undefined;
  }
}

/**
 * Brings a song into `destDir`: a local file, an http(s) URL, a Suno page URL or id. The audio is
 * copied or downloaded untouched, checked to be decodable, and described by a `Song`.
 */
export async function ingestSong(input: string, opts: IngestOptions): Promise<Song> {
  const raw = input.trim();
  if (!raw) throw new InputError('no song given', { code: 'NO_INPUT' });
  await mkdir(opts.destDir, { recursive: true });
  const sunoId = sunoSongId(raw);
  let source: SongSource;
  let audioPath: string;
  let title = opts.title;
  let styleTags: string[] = [];
  let lyrics: Lyrics | undefined;
  let coverImagePath: string | undefined;

  if (sunoId) {
    const meta = await resolveSunoSong(sunoId, opts);
    const tmp = join(opts.destDir, `.download-${process.pid}-${Date.now()}`);
    const fetched = await downloadTo(meta.audioUrl, tmp, opts);
    audioPath = join(
      opts.destDir,
      `${sunoId}${extname(new URL(fetched.url).pathname) || EXT_FOR_TYPE[fetched.contentType.split(';')[0] ?? ''] || '.mp3'}`,
    );
    await rename(tmp, audioPath);
    source = { kind: 'suno', id: sunoId, ...(raw.startsWith('http') ? { url: raw } : {}) };
    title ??= meta.title;
    styleTags = meta.styleTags;
    lyrics = meta.lyrics;
    if (meta.imageUrl) coverImagePath = await downloadImage(meta.imageUrl, opts.destDir, opts);
  } else if (/^https?:\/\//i.test(raw)) {
    const tmp = join(opts.destDir, `.download-${process.pid}-${Date.now()}`);
    const fetched = await downloadTo(raw, tmp, opts);
    const urlName = basename(new URL(fetched.url).pathname);
    const ext = AUDIO_EXT.has(extname(urlName).toLowerCase())
      ? extname(urlName).toLowerCase()
      : (EXT_FOR_TYPE[fetched.contentType.split(';')[0]?.trim() ?? ''] ?? '.audio');
    audioPath = join(opts.destDir, `${safeName(basename(urlName, extname(urlName)))}${ext}`);
    await rename(tmp, audioPath);
    source = { kind: 'url', url: raw };
  } else {
    const path = resolve(raw);
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new InputError(`${raw}: no such file`, { code: 'NOT_FOUND' });
    if (info.isDirectory())
      throw new InputError(`${raw} is a folder, not an audio file`, { code: 'NOT_FILE' });
    if (!info.isFile()) throw new InputError(`${raw} is not a file`, { code: 'NOT_FILE' });
    audioPath = join(resolve(opts.destDir), safeName(basename(path)));
    if (audioPath !== path) await copyFile(path, audioPath);
    source = { kind: 'file', path };
  }

  let checked: Awaited<ReturnType<typeof validateAudio>>;
  try {
    checked = await validateAudio(
      audioPath,
      opts.signal,
      opts.maxDurationSec !== undefined ? { maxDurationSec: opts.maxDurationSec } : {},
    );
  } catch (err) {
    // Our copy goes (a download, or the copy of a local file); the user's own file stays.
    if (source.kind !== 'file' || audioPath !== source.path) await rm(audioPath, { force: true });
    // Name what the user gave, not our copy.
    if (err instanceof InputError)
      throw new InputError(err.message.replace(audioPath, raw), { code: err.code });
    throw err;
  }
  if (opts.lyricsPath) lyrics = await readLyricsFile(opts.lyricsPath);
  const tags = checked.tags;
  title ??= tags.title ?? basename(audioPath, extname(audioPath)).replace(/[_-]+/g, ' ').trim();
  if (styleTags.length === 0 && tags.genre)
    styleTags = tags.genre
      .split(/[,;/]/)
      .map((t) => t.trim())
      .filter(Boolean);
  opts.logger?.info({ audioPath, durationSec: checked.durationSec, source: source.kind }, 'song ingested');
  return Song.parse({
    title: title || 'Untitled',
    ...(tags.artist ? { artist: tags.artist } : {}),
    styleTags,
    ...(lyrics ? { lyrics } : {}),
    ...(coverImagePath ? { coverImagePath } : {}),
    audioPath,
    durationSec: Math.round(checked.durationSec * 1000) / 1000,
    source,
  });
}
