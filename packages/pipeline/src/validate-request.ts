import { open, stat } from 'node:fs/promises';
import { sunoSongId } from '@beatframe/audio';
import {
  type BeatframeConfig,
  BeatframeError,
  InputError,
  type Logger,
  type ProjectOptions,
  userMessage,
  type VideoProvider,
} from '@beatframe/core';
import { type MediaInfo, probeMedia } from '@beatframe/media';
import type { StageDeps } from './deps.js';
import { checkCount, checkText, checkUsd, LIMITS } from './limits.js';

/**
 * Checks made when a project is created, before anything is stored, queued or paid: a project that
 * cannot finish (unknown provider, model or renderer, a song too long, numbers out of range) is refused
 * here with one line, not found out stages later.
 */

export interface RequestCheckContext {
  config: BeatframeConfig;
  deps: StageDeps;
  env: Record<string, string | undefined>;
  logger: Logger;
  /** The engine's cached provider lookup. */
  provider(name: string): Promise<VideoProvider>;
  /** What the CLI's `--yes` stores as an approval: the one amount above the usual bound. */
  approveAny: number;
}

/** A plugin lookup that failed: the user named something that is not there. */
function asInput(err: unknown, fallback: string): InputError {
  if (err instanceof InputError) return err;
  if (err instanceof BeatframeError && err.exitCode === 2)
    return new InputError(err.message, { code: err.code });
  return new InputError(`${fallback}: ${userMessage(err)}`);
}

export async function validateProjectRequest(
  options: ProjectOptions,
  input: {
    maxCostUsd?: number | undefined;
    approvedUsd?: number | undefined;
    title?: string | undefined;
    artist?: string | undefined;
    name?: string | undefined;
  },
  ctx: RequestCheckContext,
): Promise<void> {
  checkUsd('--max-cost (maxCostUsd)', input.maxCostUsd);
  checkUsd('approvedUsd', input.approvedUsd, ctx.approveAny);
  checkText('theme', options.theme);
  checkText('title', input.title);
  checkText('artist', input.artist);
  checkText('name', input.name);
  checkCount('maxRounds', options.maxRounds, 0, LIMITS.maxRounds);
  checkCount('maxAttemptsPerShot', options.maxAttemptsPerShot, 1, LIMITS.maxAttemptsPerShot);
  checkCount('fps', options.fps, 1, LIMITS.maxFps);

  const provider = await ctx.provider(options.provider).catch((err) => {
    throw asInput(err, `provider ${options.provider}`);
  });
  const caps = provider.capabilities;
  if (options.model !== undefined && caps.models.length && !caps.models.includes(options.model))
    throw new InputError(
      `${provider.name} has no model ${JSON.stringify(options.model)}; known: ${caps.models.join(', ')} (add it under providers.${provider.name}.models)`,
      { code: 'UNKNOWN_MODEL' },
    );
  // A model that cannot make the asked shape would be paid for at another shape and cropped: refuse it now.
  if (caps.aspects.length && !caps.aspects.includes(options.aspect))
    throw new InputError(
      `${provider.name}${options.model ? ` ${options.model}` : ''} cannot make ${options.aspect} video (it makes ${caps.aspects.join(', ')}): choose --aspect ${caps.aspects[0]} or a provider that makes ${options.aspect}`,
      { code: 'ASPECT' },
    );
  // The price table must know the model: a budget check that cannot price a shot cannot protect anyone.
  try {
    const seconds = caps.durations[0] ?? 4;
    const usd = caps.usdFor({ seconds, size: caps.sizes[0] ?? '1280x720', model: options.model });
    if (!(Number.isFinite(usd) && usd >= 0)) throw new Error(`price ${usd} for ${seconds} s`);
  } catch (err) {
    throw asInput(err, `${provider.name} cannot price ${options.model ?? 'its default model'}`);
  }
  const status = provider.status({ logger: ctx.logger, env: ctx.env });
  if (!status.configured)
    throw new InputError(
      `provider ${provider.name} is not set up${status.hint ? `: ${status.hint}` : ''} (\`beatframe providers\` lists what each needs)`,
      { code: 'NOT_CONFIGURED' },
    );
  await ctx.deps.renderer(options.renderer, ctx.config).catch((err) => {
    throw asInput(err, `renderer ${options.renderer}`);
  });
}

/** A Suno song as its UUID or its suno.com song page; anything else (a path above all) is refused. */
export function checkSunoId(raw: string): string {
  const id = sunoSongId(raw ?? '');
  if (!id)
    throw new InputError(
      'sunoId must be a Suno song id (a UUID) or a https://suno.com/song/<id> link; local files are given to the CLI or uploaded',
      { code: 'BAD_SUNO_ID' },
    );
  return id;
}

/** The container's own duration (ffprobe reads the header; nothing is decoded) against the limit. */
export async function checkSongHeader(path: string, maxSec: number, info?: MediaInfo): Promise<void> {
  const media = info ?? (await probeMedia(path).catch(() => undefined));
  if (media && media.durationSec > maxSec)
    throw new InputError(
      `${path} is ${(media.durationSec / 60).toFixed(1)} min long; the longest song accepted is ${(maxSec / 60).toFixed(1)} min (limits.maxSongSec)`,
      { code: 'TOO_LONG' },
    );
}

/** A lyrics file must be text of a sane size: a binary file is refused here, not by the database later. */
export async function checkLyricsFile(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new InputError(`lyrics file ${path} does not exist`, { code: 'NOT_FOUND' });
  if (!info.isFile()) throw new InputError(`lyrics file ${path} is not a file`, { code: 'NOT_FILE' });
  if (info.size > LIMITS.maxLyricsBytes)
    throw new InputError(
      `lyrics file ${path} is ${Math.round(info.size / 1024)} KB; lyrics are text of at most ${LIMITS.maxLyricsBytes / 1024} KB`,
      { code: 'TOO_LARGE' },
    );
  const fh = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await fh.read({ buffer: Buffer.alloc(Math.min(info.size, 64 * 1024)) });
    const head = buffer.subarray(0, bytesRead);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    } catch {
      text = '\u0000';
    }
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters mark a binary file
    if (/[\u0000-\u0008\u000e-\u001a]/.test(text))
      throw new InputError(
        `lyrics file ${path} is not text (give an .lrc, a plain text file or Suno's aligned .json)`,
        { code: 'NOT_TEXT' },
      );
  } finally {
    await fh.close();
  }
}

const STILL_FORMATS = /(^|,)(image2|png_pipe|jpeg_pipe|webp_pipe|bmp_pipe|tiff_pipe|gif_pipe|svg_pipe)(,|$)/;
const STILL_CODECS = new Set(['png', 'mjpeg', 'jpeg2000', 'webp', 'bmp', 'tiff', 'svg']);

/** A replacement clip must be moving picture with a length: a still image is refused before anything changes. */
export function checkReplacementClip(
  info: MediaInfo,
  label: string,
): asserts info is MediaInfo & { video: NonNullable<MediaInfo['video']> } {
  if (!info.video) throw new InputError(`${label} has no video track`, { code: 'NO_VIDEO' });
  const still =
    STILL_FORMATS.test(info.formatName) ||
    (STILL_CODECS.has(info.video.codec) && (info.video.frames ?? 1) <= 1) ||
    !(info.durationSec > 0.1);
  if (still)
    throw new InputError(`${label} is a still image; a shot needs a video clip (mp4, mov, webm, mkv)`, {
      code: 'STILL_IMAGE',
    });
}
