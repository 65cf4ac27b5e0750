import { join } from 'node:path';
import type { BeatframeConfig, Renderer, RendererFactory } from '@beatframe/core';
import { parsePluginSettings, UsageError } from '@beatframe/core';
import createChunkedRenderer, { ChunkedSettings } from '@beatframe/renderer-chunked';
import { createRenderer as createFfmpegRenderer, FfmpegSettings } from '@beatframe/renderer-ffmpeg';
import createRemotionRenderer, { RemotionSettings } from '@beatframe/renderer-remotion';

export interface RendererEntry {
  name: string;
  aliases?: string[];
  packageName: string;
  factory: RendererFactory;
  /** The renderer's settings as a zod schema (strict): config `renderers.<name>` is checked with it. */
  settings?: Parameters<typeof parsePluginSettings>[0];
  defaults?(config: Pick<BeatframeConfig, 'dataDir' | 'renderers'>): Record<string, unknown>;
}

/** The renderers that ship with beatframe (`plugins/renderer-*`); entries are added here. */
// Remotion's bundle and normalised clips are cached under the data dir, shared by both Remotion renderers.
const remotionCache = (config: Pick<BeatframeConfig, 'dataDir'>) => ({
  cacheDir: join(config.dataDir, 'cache', 'compositor'),
});

const RENDERERS: RendererEntry[] = [
  {
    name: 'remotion',
    aliases: ['default'],
    packageName: '@beatframe/renderer-remotion',
    factory: createRemotionRenderer,
    settings: RemotionSettings,
    defaults: remotionCache,
  },
  {
    name: 'chunked',
    aliases: ['remotion-chunked'],
    packageName: '@beatframe/renderer-chunked',
    factory: createChunkedRenderer,
    settings: ChunkedSettings,
    defaults: remotionCache,
  },
  {
    name: 'ffmpeg',
    aliases: ['fast'],
    packageName: '@beatframe/renderer-ffmpeg',
    factory: createFfmpegRenderer,
    settings: FfmpegSettings,
  },
];

export function registerRenderer(entry: RendererEntry): void {
  const at = RENDERERS.findIndex((r) => r.name === entry.name);
  if (at >= 0) RENDERERS[at] = entry;
  else RENDERERS.push(entry);
}

export function rendererNames(): string[] {
  return RENDERERS.map((r) => r.name);
}

function instantiate(entry: RendererEntry, config: Pick<BeatframeConfig, 'dataDir' | 'renderers'>): Renderer {
  const settings = { ...(entry.defaults?.(config) ?? {}), ...(config.renderers?.[entry.name] ?? {}) };
  if (entry.settings) parsePluginSettings(entry.settings, settings, `renderers.${entry.name}`);
  return entry.factory(settings);
}

/** The renderer called `name` (or an alias), set up from the config. */
export function getRenderer(name: string, config: Pick<BeatframeConfig, 'dataDir' | 'renderers'>): Renderer {
  const n = name.trim().toLowerCase();
  const entry = RENDERERS.find((r) => r.name === n) ?? RENDERERS.find((r) => r.aliases?.includes(n));
  if (!entry) {
    throw new UsageError(
      `unknown renderer "${name}"; ${RENDERERS.length ? `known: ${rendererNames().join(', ')}` : 'no renderers are installed'}`,
    );
  }
  return instantiate(entry, config);
}

export function listRenderers(config: Pick<BeatframeConfig, 'dataDir' | 'renderers'>): Renderer[] {
  return RENDERERS.map((e) => instantiate(e, config));
}
