import { type DecodedVideo, SAME_PICTURE } from './decode.js';

export interface IntegrityOptions {
  /** A frame is black when its mean luma is below this and it is nearly uniform (0…1). */
  blackLuma?: number;
  /** A frame repeats the previous one when its mean change is below this (0…1; leaves room for codec noise). */
  repeatDiff?: number;
  /** A run of repeated frames at least this long is a freeze; shorter runs are duplicated frames. */
  freezeMinSec?: number;
}

export interface FrameSpan {
  startSec: number;
  endSec: number;
}

export interface IntegrityResult {
  blackShare: number;
  frozenShare: number;
  duplicateShare: number;
  black: boolean[];
  frozen: boolean[];
  blackSpans: FrameSpan[];
  frozenSpans: FrameSpan[];
}

/**
 * Black, frozen and duplicated frames. A repeated frame is one whose change from the previous frame is
 * below codec noise; repeats in runs of at least `freezeMinSec` are a freeze (a stuck clip, a still
 * image), shorter runs amid motion are duplicates (stutter from frame-rate conversion). Black frames are not counted
 * as frozen or duplicated: they have their own share.
 */
export function measureIntegrity(v: DecodedVideo, opts: IntegrityOptions = {}): IntegrityResult {
  const n = v.frames.length;
  const blackLuma = opts.blackLuma ?? 0.07;
  const repeatDiff = opts.repeatDiff ?? SAME_PICTURE.meanDiff;
  const freezeMin = Math.max(2, Math.round((opts.freezeMinSec ?? 0.5) * v.fps));
  const black = v.frames.map((f) => f.luma < blackLuma && f.lumaStd < 0.03);
  // A repeat is the same picture as the frame before it and as the first frame of its run: slow, smooth motion
  // changes little from frame to frame at this size, but it drifts from where the run began, and is no freeze.
  const repeat = v.frames.map(
    (f, i) =>
      i > 0 &&
      f.diff < repeatDiff &&
      f.maxDiff < SAME_PICTURE.maxDiff &&
      (f.stillDiff ?? 0) < repeatDiff &&
      (f.stillMaxDiff ?? 0) < SAME_PICTURE.maxDiff &&
      !black[i],
  );
  const frozen = new Array<boolean>(n).fill(false);
  const duplicate = new Array<boolean>(n).fill(false);
  for (let i = 1; i < n; ) {
    if (!repeat[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < n && repeat[j + 1]) j++;
    // The run's first frame (i-1) is the original; i…j repeat it.
    const runFrames = j - i + 2;
    // A short repeat counts as a duplicate only amid clear motion (stutter); slow settling after a
    // keyframe or a nearly still shot is not one.
    const moving = (k: number) => k > 0 && k < n && v.frames[k]!.diff >= 2.5 * repeatDiff;
    const stutter = moving(i - 1) && moving(j + 1);
    for (let k = i; k <= j; k++) {
      if (runFrames >= freezeMin) frozen[k] = true;
      else if (stutter) duplicate[k] = true;
    }
    if (runFrames >= freezeMin) frozen[i - 1] = !black[i - 1];
    i = j + 1;
  }
  const share = (xs: boolean[]) => xs.filter(Boolean).length / n;
  return {
    blackShare: share(black),
    frozenShare: share(frozen),
    duplicateShare: share(duplicate),
    black,
    frozen,
    blackSpans: spans(black, v.fps),
    frozenSpans: spans(frozen, v.fps),
  };
}

function spans(flags: boolean[], fps: number): FrameSpan[] {
  const out: FrameSpan[] = [];
  for (let i = 0; i < flags.length; ) {
    if (!flags[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < flags.length && flags[j + 1]) j++;
    out.push({ startSec: i / fps, endSec: (j + 1) / fps });
    i = j + 1;
  }
  return out;
}
