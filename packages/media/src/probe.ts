import { statSync } from 'node:fs';
import { InputError, type RenderResult } from '@beatframe/core';
import { ffprobePath, runProcess } from './ffmpeg.js';

export interface VideoStreamInfo {
  codec: string;
  width: number;
  height: number;
  /** Average frame rate. */
  fps: number;
  /** Rotation from the display matrix, degrees. */
  rotation: number;
  /** Whether r_frame_rate and avg_frame_rate disagree (a hint of variable frame rate). */
  variableFrameRate: boolean;
  pixFmt?: string;
  frames?: number;
}

export interface AudioStreamInfo {
  codec: string;
  sampleRate: number;
  channels: number;
}

export interface MediaInfo {
  path: string;
  formatName: string;
  durationSec: number;
  video?: VideoStreamInfo;
  audio?: AudioStreamInfo;
  tags: Record<string, string>;
}

function rate(r: string | undefined): number {
  if (!r) return 0;
  const [n, d] = r.split('/').map(Number);
  return d ? (n ?? 0) / d : Number(n ?? 0);
}

/**
 * Answers of earlier probes, by path, inode, size and modification time: a clip is probed at download, by the
 * edit, the renderer and the evaluation, and each ffprobe costs ~0.3 s of CPU (mostly loading its libraries),
 * which on a 3-minute song's 50 clips was the renderer's whole 47-s first step under load.
 */
const probed = new Map<string, MediaInfo>();
const MAX_PROBED = 4096;

/** ffprobe a file (once per version of it, per process); a file ffprobe cannot read is an InputError naming it. */
export async function probeMedia(path: string, opts: { signal?: AbortSignal } = {}): Promise<MediaInfo> {
  let key: string | undefined;
  try {
    const st = statSync(path);
    key = `${path}\0${st.ino}\0${st.size}\0${st.mtimeMs}`;
  } catch {
    // missing: ffprobe says so below, in the usual words
  }
  const hit = key ? probed.get(key) : undefined;
  if (hit) return structuredClone(hit);
  const info = await probeUncached(path, opts);
  if (key) {
    if (probed.size >= MAX_PROBED) probed.delete(probed.keys().next().value as string);
    probed.set(key, structuredClone(info));
  }
  return info;
}

async function probeUncached(path: string, opts: { signal?: AbortSignal }): Promise<MediaInfo> {
  let json: {
    format?: { format_name?: string; duration?: string; tags?: Record<string, string> };
    streams?: Array<Record<string, unknown>>;
  };
  try {
    const { stdout } = await runProcess(
      ffprobePath(),
      ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path],
      opts,
    );
    json = JSON.parse(stdout.toString());
  } catch (err) {
    // A cancelled probe is a cancellation, not a bad file (a render stopped at its first step says so).
    const code = (err as { code?: string }).code;
    if (code === 'MISSING_TOOL' || code === 'ABORTED') throw err;
    throw new InputError(`${path} is not a readable media file`, { code: 'NOT_MEDIA', cause: err });
  }
  const streams = json.streams ?? [];
  const v = streams.find(
    (s) => s.codec_type === 'video' && !(s.disposition as { attached_pic?: number })?.attached_pic,
  );
  const a = streams.find((s) => s.codec_type === 'audio');
  const sideData = (v?.side_data_list as Array<{ rotation?: number }> | undefined) ?? [];
  const rotation = Number(
    sideData.find((s) => s.rotation !== undefined)?.rotation ?? (v?.tags as { rotate?: string })?.rotate ?? 0,
  );
  const durations = [json.format?.duration, v?.duration, a?.duration]
    .map((d) => Number(d))
    .filter((d) => d > 0);
  return {
    path,
    formatName: json.format?.format_name ?? '',
    durationSec: durations[0] ?? 0,
    tags: json.format?.tags ?? {},
    ...(v
      ? {
          video: {
            codec: String(v.codec_name),
            width: Number(v.width),
            height: Number(v.height),
            fps: rate(v.avg_frame_rate as string) || rate(v.r_frame_rate as string),
            rotation: ((rotation % 360) + 360) % 360,
            variableFrameRate:
              Math.abs(rate(v.avg_frame_rate as string) - rate(v.r_frame_rate as string)) > 0.01 &&
              rate(v.avg_frame_rate as string) > 0,
            pixFmt: v.pix_fmt as string | undefined,
            ...(v.nb_frames ? { frames: Number(v.nb_frames) } : {}),
          },
        }
      : {}),
    ...(a
      ? {
          audio: {
            codec: String(a.codec_name),
            sampleRate: Number(a.sample_rate),
            channels: Number(a.channels),
          },
        }
      : {}),
  };
}

/**
 * What a renderer returns for the file it wrote: measured by ffprobe, the timeline's figures where the
 * file does not say (every renderer ends the same way).
 */
export async function renderResultOf(
  outPath: string,
  expected: { frames: number; width: number; height: number },
  startedMs: number,
): Promise<RenderResult> {
  const info = await probeMedia(outPath);
  return {
    path: outPath,
    durationSec: info.durationSec,
    frames: info.video?.frames ?? expected.frames,
    width: info.video?.width ?? expected.width,
    height: info.video?.height ?? expected.height,
    elapsedMs: Date.now() - startedMs,
  };
}

/** The video frames a file really holds, by decoding them (what a container's header says can be off). */
export async function countFrames(path: string): Promise<number> {
  const { stdout } = await runProcess(ffprobePath(), [
    ...['-v', 'error', '-count_frames', '-select_streams', 'v:0'],
    ...['-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', path],
  ]);
  return Number(stdout.toString().trim());
}
