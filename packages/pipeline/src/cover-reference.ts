import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { Song } from '@beatframe/core';
import type { UserReference } from './keyframes.js';

/**
 * A song's cover art (a Suno song's image, kept by ingest) as a style reference for the stills: the look its
 * maker chose for the song. It goes after the user's own `--ref` images (theirs come first where a model takes
 * few references); only a picture file that is there, and never twice.
 */
export function withCoverArt(
  refs: UserReference[] | undefined,
  song: Pick<Song, 'coverImagePath'> | undefined,
): { refs: UserReference[]; cover?: string } {
  const own = refs ?? [];
  const cover = song?.coverImagePath;
  if (!cover || !/\.(png|jpe?g|webp)$/i.test(cover) || !existsSync(cover)) return { refs: own };
  if (own.some((r) => r.path === cover)) return { refs: own };
  return { refs: [...own, { path: cover, role: 'style' }], cover };
}

/** The decision's words for it. */
export function coverArtSummary(cover: string): string {
  return `the song's cover art (${basename(cover)}) is a style reference for the reference stills and every keyframe`;
}
