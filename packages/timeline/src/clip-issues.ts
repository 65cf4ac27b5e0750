import type { MediaInfo } from '@beatframe/media';

/** The size, frame rate and fit a timeline's clips are drawn at. */
export interface ClipTarget {
  width: number;
  height: number;
  fps: number;
  fit?: 'cover' | 'contain';
}

/** What is off about a clip compared with the timeline, in words for the decision log; empty when nothing. */
export function clipIssues(info: MediaInfo, target: ClipTarget): string[] {
  const v = info.video;
  if (!v) return ['no video stream'];
  const issues: string[] = [];
  const rotated = v.rotation === 90 || v.rotation === 270;
  const w = rotated ? v.height : v.width;
  const h = rotated ? v.width : v.height;
  if (v.rotation) issues.push(`rotated ${v.rotation}°`);
  if (w !== target.width || h !== target.height)
    issues.push(`${w}x${h} instead of ${target.width}x${target.height}`);
  if (Math.abs(v.fps - target.fps) > 0.01)
    issues.push(`${Math.round(v.fps * 100) / 100} fps instead of ${target.fps}`);
  if (v.variableFrameRate) issues.push('variable frame rate');
  if (v.pixFmt && v.pixFmt !== 'yuv420p') issues.push(`pixel format ${v.pixFmt}`);
  if (v.codec !== 'h264') issues.push(`codec ${v.codec}`);
  return issues;
}
