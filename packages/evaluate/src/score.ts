import type { EvaluationIssue } from '@beatframe/core';

/** Limits a render must meet to pass. All configurable; defaults suit a finished music video. */
export interface EvaluationThresholds {
  /** Overall score floor, 0…1. */
  minScore: number;
  /** Minimum share of hard cuts on beats (checked when there are at least 3 cuts). */
  minOnBeatShare: number;
  maxBlackShare: number;
  maxFrozenShare: number;
  /** Minimum mood component (0…1; 0.5 is "no relation": the pictures must not run against the music). */
  minMoodScore: number;
  /** Largest tolerated offset between the song and the video's audio, seconds. */
  maxAudioOffsetSec: number;
  /** Largest tolerated difference between the video's audio and the song's duration, seconds. */
  maxDurationDiffSec: number;
}

export const DEFAULT_THRESHOLDS: EvaluationThresholds = {
  minScore: 0.55,
  minOnBeatShare: 0.6,
  maxBlackShare: 0.05,
  maxFrozenShare: 0.05,
  minMoodScore: 0.5,
  maxAudioOffsetSec: 0.08,
  maxDurationDiffSec: 1,
};

/** Weights of the score components; components that could not be measured drop out and the rest renormalise. */
export const COMPONENT_WEIGHTS: Record<string, number> = {
  beat: 0.3,
  motion: 0.2,
  mood: 0.2,
  integrity: 0.15,
  variety: 0.05,
  audio: 0.1,
};

export function combineScore(components: Record<string, number>): number {
  let sum = 0;
  let w = 0;
  for (const [k, v] of Object.entries(components)) {
    const weight = COMPONENT_WEIGHTS[k] ?? 0;
    sum += weight * v;
    w += weight;
  }
  return w > 0 ? Math.round((sum / w) * 1000) / 1000 : 0;
}

/** Shot-length variety: too regular (CV < 0.15) or erratic (CV > 1.2) costs; in between is fine. */
export function varietyScore(cv: number, shots: number): number {
  if (shots < 3) return 0.5;
  if (cv < 0.15) return 0.5 + (cv / 0.15) * 0.5;
  if (cv > 1.2) return Math.max(0, 1 - (cv - 1.2));
  return 1;
}

export function hasErrors(issues: EvaluationIssue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}
