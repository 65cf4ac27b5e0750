import { join } from 'node:path';
import type { BeatframeConfig, Renderer, RendererFactory } from '@beatframe/core';
import { UsageError } from '@beatframe/core';
import createChunkedRenderer from '@beatframe/renderer-chunked';
import { createRenderer as createFfmpegRenderer } from '@beatframe/renderer-ffmpeg';
import createRemotionRenderer from '@beatframe/renderer-remotion';

export interface RendererEntry {
  name: string;
  aliases?: string[];
  packageName: string;
  factory: RendererFactory;
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
    defaults: remotionCache,
  },
  {
    name: 'chunked',
    aliases: ['remotion-chunked'],
    packageName: '@beatframe/renderer-chunked',
    factory: createChunkedRenderer,
    defaults: remotionCache,
  },
  {
    name: 'ffmpeg',
    aliases: ['fast'],
    packageName: '@beatframe/renderer-ffmpeg',
    factory: createFfmpegRenderer,
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
  return entry.factory({ ...(entry.defaults?.(config) ?? {}), ...(config.renderers?.[entry.name] ?? {}) });
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
