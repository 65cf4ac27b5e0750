import { InputError } from '@beatframe/core';
import type { VideoModel } from '@openrouter/sdk/models';

/**
 * OpenRouter's per-model video parameters come from its models listing (`GET /api/v1/videos/models`), read live
 * before each submission. This snapshot of the listing (2026-11-24) only gives the capabilities shown before any
 * request is made (`beatframe providers`, the planner's lengths and sizes); what is sent is fitted to the live one.
 */
export type ListedModel = Pick<
  VideoModel,
  | 'id'
  | 'name'
  | 'supportedDurations'
  | 'supportedResolutions'
  | 'supportedAspectRatios'
  | 'supportedSizes'
  | 'supportedFrameImages'
  | 'generateAudio'
  | 'seed'
>;

export const LISTING_SNAPSHOT: ListedModel[] = [
  {
    id: 'alibaba/wan-2.6',
    name: 'Wan 2.6',
    supportedDurations: [5, 10, 15],
    supportedResolutions: ['720p', '1080p'],
    supportedAspectRatios: ['16:9', '9:16', '1:1'],
    supportedSizes: null,
    supportedFrameImages: ['first_frame'],
    generateAudio: true,
    seed: true,
  },
  {
    id: 'bytedance/seedance-1.5-pro',
    name: 'Seedance 1.5 Pro',
    supportedDurations: [4, 5, 6, 7, 8, 9, 10, 11, 12],
    supportedResolutions: ['480p', '720p', '1080p'],
    supportedAspectRatios: ['16:9', '9:16', '1:1'],
    supportedSizes: null,
    supportedFrameImages: ['first_frame', 'last_frame'],
    generateAudio: true,
    seed: true,
  },
  {
    id: 'google/veo-3.1-fast',
    name: 'Veo 3.1 Fast',
    supportedDurations: [4, 6, 8],
    supportedResolutions: ['720p', '1080p'],
    supportedAspectRatios: ['16:9', '9:16'],
    supportedSizes: null,
    supportedFrameImages: ['first_frame', 'last_frame'],
    generateAudio: true,
    seed: true,
  },
  {
    id: 'openai/sora-2-pro',
    name: 'Sora 2 Pro',
    supportedDurations: [4, 8, 12],
    supportedResolutions: null,
    supportedAspectRatios: null,
    supportedSizes: ['1280x720', '720x1280'],
    supportedFrameImages: ['first_frame'],
    generateAudio: true,
    seed: false,
  },
];

/** USD per second as OpenRouter's model pages gave them (estimates for budgets; the clip records usage.cost). */
export const PRICES: Record<string, number> = {
  'alibaba/wan-2.6': 0.05,
  'bytedance/seedance-1.5-pro': 0.05,
  'google/veo-3.1-fast': 0.1,
  'openai/sora-2-pro': 0.3,
};
export const DEFAULT_OPENROUTER_MODEL = 'alibaba/wan-2.6';

/** Rows per resolution: the frame sizes of 16:9, 9:16 and 1:1 at that height. */
const HEIGHTS: Record<string, number> = { '360p': 360, '480p': 480, '720p': 720, '768p': 768, '1080p': 1080 };
const WIDE: Record<number, number> = { 360: 640, 480: 854, 720: 1280, 768: 1366, 1080: 1920 };

/** The "WIDTHxHEIGHT" sizes a listed model makes (its sizes, or resolution × aspect ratio). */
export function sizesOf(m: ListedModel): string[] {
  if (m.supportedSizes?.length) return [...m.supportedSizes];
  const out: string[] = [];
  for (const r of m.supportedResolutions ?? []) {
    const h = HEIGHTS[r];
    if (!h) continue;
    for (const a of m.supportedAspectRatios ?? ['16:9']) {
      if (a === '16:9') out.push(`${WIDE[h]}x${h}`);
      if (a === '9:16') out.push(`${h}x${WIDE[h]}`);
      if (a === '1:1') out.push(`${h}x${h}`);
    }
  }
  return out;
}

/** What a size asks of the model: `size` itself, or the resolution and aspect ratio that make it. */
export function paramsOfSize(
  m: ListedModel,
  size: string,
): { size?: string; resolution?: string; aspectRatio?: string } {
  if (m.supportedSizes?.includes(size as never)) return { size };
  for (const r of m.supportedResolutions ?? [])
    for (const a of m.supportedAspectRatios ?? ['16:9']) {
      const h = HEIGHTS[r];
      const s = a === '16:9' ? `${WIDE[h ?? 0]}x${h}` : a === '9:16' ? `${h}x${WIDE[h ?? 0]}` : `${h}x${h}`;
      if (s === size) return { resolution: r, aspectRatio: a };
    }
  throw new InputError(`OpenRouter model ${m.id} cannot make ${size}; it makes ${sizesOf(m).join(', ')}`);
}
