import type { AudioAnalysis, SectionLabel } from '@beatframe/core';

/** A pop song's shape as shares of its length: where each section starts, and how loud it is. */
const LAYOUT: Array<[number, SectionLabel, number]> = [
  [0, 'intro', 0.3],
  [0.08, 'verse', 0.5],
  [0.3, 'chorus', 0.8],
  [0.45, 'verse', 0.5],
  [0.62, 'chorus', 0.85],
  [0.77, 'bridge', 0.45],
  [0.85, 'chorus', 0.85],
  [0.95, 'outro', 0.3],
];

/**
 * The analysis of a song not heard yet: 120 bpm in 4/4 with a pop song's sections and loudness. The
 * estimate before upload plans it like a real song (the same slot planner), so its shot count is close
 * to what the plan will make instead of "the song over the provider's typical clip length".
 */
export function typicalAnalysis(durationSec: number): AudioAnalysis {
  const beats = Array.from({ length: Math.floor(durationSec / 0.5) }, (_, i) => i * 0.5);
  const sections = LAYOUT.map(([at, label, energy], i) => ({
    start: Math.round(at * durationSec * 1000) / 1000,
    end: Math.round((LAYOUT[i + 1]?.[0] ?? 1) * durationSec * 1000) / 1000,
    label,
    energy,
  }));
  const hopSec = 0.5;
  const values = beats.map((t) => sections.find((s) => t >= s.start && t < s.end)?.energy ?? 0.5);
  return {
    version: 1,
    durationSec,
    bpm: 120,
    tempoConfidence: 0.5,
    meter: { beatsPerBar: 4, beatUnit: 4 },
    beats,
    downbeats: beats.filter((_, i) => i % 4 === 0),
    sections,
    energy: { hopSec, values },
  };
}
