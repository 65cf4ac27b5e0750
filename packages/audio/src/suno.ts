import { InputError, type Lyrics } from '@beatframe/core';
import { parseLyricsText, parseSunoAlignedLyrics } from './lyrics.js';
import { type FetchLimits, fetchText } from './net.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SONG_PAGE = /^https?:\/\/(?:www\.|app\.)?suno\.(?:com|ai)\/song\/([0-9a-f-]{36})\/?(?:[?#].*)?$/i;

/** The Suno song id in a song page URL (`https://suno.com/song/<uuid>`) or a bare id; otherwise undefined. */
export function sunoSongId(input: string): string | undefined {
  const s = input.trim();
  if (UUID.test(s)) return s.toLowerCase();
  const m = SONG_PAGE.exec(s);
  return m && UUID.test(m[1] as string) ? (m[1] as string).toLowerCase() : undefined;
}

/** One clip as the open-source suno-api (gcui-art/suno-api) returns it from `GET /api/get?ids=`. */
export interface SunoClip {
  id: string;
  title?: string;
  image_url?: string;
  lyric?: string;
  audio_url?: string;
  video_url?: string;
  created_at?: string;
  model_name?: string;
  status?: string;
  gpt_description_prompt?: string;
  prompt?: string;
  type?: string;
  tags?: string;
  duration?: string | number;
  error_message?: string;
}

export interface SunoMetadata {
  audioUrl: string;
  title?: string;
  styleTags: string[];
  imageUrl?: string;
  lyrics?: Lyrics;
  durationSec?: number;
}

export interface SunoOptions extends FetchLimits {
  /** A server speaking the suno-api protocol (e.g. http://localhost:3000); `SUNO_API_BASE_URL` by default. */
  sunoApiBaseUrl?: string;
  /** Where audio files live when no suno-api server is configured (default https://cdn1.suno.ai). */
  sunoCdnBaseUrl?: string;
}

function tagsOf(tags: string | undefined): string[] {
  return (tags ?? '')
    .split(/[,;\n]/)
    .map((t) => t.trim())
    .filter(Boolean);
}

/**
 * What is obtainable for a Suno song. With a suno-api server: its clip record (title, tags, lyrics,
 * cover, duration, audio URL) and, best effort, its word-aligned lyrics. Without one: the public CDN
 * audio file only.
 */
export async function resolveSunoSong(id: string, opts: SunoOptions = {}): Promise<SunoMetadata> {
  const base = (opts.sunoApiBaseUrl ?? process.env.SUNO_API_BASE_URL)?.replace(/\/+$/, '');
  if (!base) {
    const cdn = (opts.sunoCdnBaseUrl ?? 'https://cdn1.suno.ai').replace(/\/+$/, '');
    return { audioUrl: `${cdn}/${id}.mp3`, styleTags: [] };
  }
  // The configured server is the user's own (often on localhost): it is trusted; the URLs it returns are not.
  const trusted = { ...opts, allowPrivateNetwork: true };
  const { text } = await fetchText(`${base}/api/get?ids=${encodeURIComponent(id)}`, trusted).catch((err) => {
    throw new InputError(`the suno-api server at ${base} failed: ${(err as Error).message}`, {
      code: 'SUNO_API',
      cause: err,
    });
  });
  let clips: SunoClip[];
  try {
    const parsed = JSON.parse(text) as unknown;
    clips = (Array.isArray(parsed) ? parsed : [parsed]) as SunoClip[];
  } catch {
    throw new InputError(`the suno-api server at ${base} did not answer JSON`, { code: 'SUNO_API' });
  }
  const clip = clips.find((c) => c?.id === id) ?? clips[0];
  if (!clip?.audio_url)
    throw new InputError(`Suno song ${id} has no audio${clip?.status ? ` (status ${clip.status})` : ''}`, {
      code: 'SUNO_NO_AUDIO',
    });
  let lyrics: Lyrics | undefined;
  try {
    const aligned = await fetchText(
      `${base}/api/get_aligned_lyrics?song_id=${encodeURIComponent(id)}`,
      trusted,
    );
    const words = parseSunoAlignedLyrics(aligned.text);
    if (words.lines.length) lyrics = words;
  } catch {
    // Alignment is optional: older servers lack the endpoint and instrumentals have no words.
  }
  if (!lyrics && clip.lyric?.trim()) lyrics = parseLyricsText(clip.lyric);
  const duration = Number(clip.duration);
  return {
    audioUrl: clip.audio_url,
    ...(clip.title ? { title: clip.title } : {}),
    styleTags: tagsOf(clip.tags),
    ...(clip.image_url ? { imageUrl: clip.image_url } : {}),
    ...(lyrics ? { lyrics } : {}),
    ...(duration > 0 ? { durationSec: duration } : {}),
  };
}
