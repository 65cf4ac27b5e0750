import { analyzeAudio, ingestSong, sunoSongId, validateAudio } from '@beatframe/audio';
import { InputError } from '@beatframe/core';
import { createCrew } from '@beatframe/crew';
import { evaluateRender } from '@beatframe/evaluate';
import {
  findProviderEntry,
  getImageProvider,
  getProvider,
  getRenderer,
  listProviders,
} from '@beatframe/registry';
import { analyzeMotion, buildTimeline, draftTimeline } from '@beatframe/timeline';
import type { IngestInput, StageDeps } from './deps.js';
import { maxSongSec } from './limits.js';

/**
 * What ingestSong is given for a stored source. Only a `file` source may name a local path: a Suno id or
 * a URL that is not one is refused here, never read as a file (a project stored by an older version, say).
 */
function ingestRef(source: IngestInput['source']): string {
  if (source.kind === 'file') return source.path;
  const ref = source.kind === 'url' ? source.url : source.id;
  const ok = source.kind === 'url' ? /^https?:\/\//i.test(ref) : sunoSongId(ref) !== undefined;
  if (!ok)
    throw new InputError(
      source.kind === 'url' ? 'the song URL is not an http(s) URL' : 'the Suno song id is not a Suno id',
      { code: 'BAD_SOURCE' },
    );
  return ref;
}

/** The real stage implementations: @beatframe/audio, crew, registry, timeline, evaluate. */
export async function loadDefaultDeps(): Promise<StageDeps> {
  return {
    async validateSong(path, opts) {
      await validateAudio(path, undefined, opts ?? {});
    },
    async ingest(input, { destDir, signal, logger, config }) {
      const song = await ingestSong(ingestRef(input.source), {
        destDir,
        maxDurationSec: maxSongSec(config),
        ...(input.lyricsPath ? { lyricsPath: input.lyricsPath } : {}),
        ...(input.title ? { title: input.title } : {}),
        logger,
        signal,
      });
      return input.artist ? { ...song, artist: input.artist } : song;
    },
    analyze: (song, { signal, onProgress, decisions, bpm }) =>
      analyzeAudio(song.audioPath, {
        signal,
        onProgress,
        ...(decisions ? { decisions } : {}),
        ...(bpm ? { bpm } : {}),
        ...(song.lyrics ? { lyrics: song.lyrics } : {}),
      }),
    crew: async (mode, { logger, env, config }) => createCrew({ mode, env, config, logger }),
    provider: async (name, config) => getProvider(name, config),
    imageProvider: async (name, config, opts) => {
      const entry = findProviderEntry(name);
      if (!entry?.image || (opts?.byDefault && entry.imageOnRequest)) return undefined;
      return getImageProvider(name, config);
    },
    listProviders: async (config) => listProviders(config),
    renderer: async (name, config) => getRenderer(name, config),
    buildTimeline: (input, ctx) => buildTimeline(input, ctx),
    draftTimeline: (input) => draftTimeline(input),
    // Kept by path in this process: the edit's buildTimeline finds it measured.
    prepareClip: async (path, ctx) => {
      await analyzeMotion(path, ctx.signal ? { signal: ctx.signal } : {});
    },
    evaluate: (input, ctx) => evaluateRender(input, ctx),
  };
}
