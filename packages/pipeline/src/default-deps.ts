import { analyzeAudio, ingestSong, validateAudio } from '@beatframe/audio';
import { buildTimeline } from '@beatframe/compositor';
import { createCrew } from '@beatframe/crew';
import { evaluateRender } from '@beatframe/evaluate';
import { getProvider, getRenderer, listProviders } from '@beatframe/registry';
import type { StageDeps } from './deps.js';

/** The real stage implementations: @beatframe/audio, crew, registry, compositor, evaluate. */
export async function loadDefaultDeps(): Promise<StageDeps> {
  return {
    async validateSong(path) {
      await validateAudio(path);
    },
    async ingest(input, { destDir, signal, logger }) {
      const ref =
        input.source.kind === 'file'
          ? input.source.path
          : input.source.kind === 'url'
            ? input.source.url
            : input.source.id;
      const song = await ingestSong(ref, {
        destDir,
        ...(input.lyricsPath ? { lyricsPath: input.lyricsPath } : {}),
        ...(input.title ? { title: input.title } : {}),
        logger,
        signal,
      });
      return input.artist ? { ...song, artist: input.artist } : song;
    },
    analyze: (song, { signal, onProgress, decisions }) =>
      analyzeAudio(song.audioPath, {
        signal,
        onProgress,
        ...(decisions ? { decisions } : {}),
        ...(song.lyrics ? { lyrics: song.lyrics } : {}),
      }),
    crew: async (mode, { logger, env, config }) => createCrew({ mode, env, config, logger }),
    provider: async (name, config) => getProvider(name, config),
    listProviders: async (config) => listProviders(config),
    renderer: async (name, config) => getRenderer(name, config),
    buildTimeline: (input, ctx) => buildTimeline(input, ctx),
    evaluate: (input, ctx) => evaluateRender(input, ctx),
  };
}
