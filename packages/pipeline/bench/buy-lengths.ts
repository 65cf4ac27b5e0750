/**
 * Seconds of video bought against seconds used, for songs cut by the heuristic planner's slots (planSlots with
 * the paid-provider minimum shot) and bought by buySeconds, per model's allowed lengths. Songs: 35 s and 180 s,
 * 17 tempos from 80 to 160 BPM, sections of irregular bar counts (a 1-bar pickup, a 2-bar break, 8- and 6-bar
 * parts) at energies from calm to loud. The target: no shot buys more than one model step beyond its slot.
 * Prints numbers; asserts nothing.
 *   pnpm --filter @beatframe/pipeline bench:buy-lengths
 */
import type { AudioAnalysis, SectionLabel } from '@beatframe/core';
import { mergeShortSlots, planSlots } from '@beatframe/crew';
import { buySeconds } from '../src/clip-request.js';

const MODELS: Record<string, number[]> = {
  'veo 3.1': [4, 6, 8],
  'fal kling': [5, 10],
  'sora 2': [4, 8, 12],
  'runway gen4.5': [2, 3, 4, 5, 6, 7, 8, 9, 10],
};
const BARS: Array<[SectionLabel, number, number]> = [
  ['intro', 1, 0.3],
  ['verse', 8, 0.45],
  ['pre-chorus', 2, 0.6],
  ['chorus', 8, 0.9],
  ['breakdown', 1, 0.5],
  ['verse', 6, 0.5],
  ['chorus', 8, 0.95],
  ['bridge', 3, 0.35],
  ['chorus', 12, 0.9],
  ['outro', 4, 0.25],
];

function songAt(bpm: number, durationSec: number): AudioAnalysis {
  const beat = 60 / bpm;
  const beats = Array.from({ length: Math.floor(durationSec / beat) }, (_, i) => +(i * beat).toFixed(3));
  const sections: AudioAnalysis['sections'] = [];
  let t = 0;
  for (let i = 0; t < durationSec; i++) {
    const [label, bars, energy] = BARS[i % BARS.length]!;
    const end = Math.min(durationSec, t + bars * 4 * beat);
    sections.push({ start: +t.toFixed(3), end: +end.toFixed(3), label, energy });
    t = end;
  }
  return {
    version: 1,
    durationSec,
    bpm,
    tempoConfidence: 1,
    meter: { beatsPerBar: 4, beatUnit: 4 },
    beats,
    downbeats: beats.filter((_, i) => i % 4 === 0),
    sections,
    energy: { hopSec: 1, values: sections.flatMap((s) => Array(Math.ceil(s.end - s.start)).fill(s.energy)) },
  };
}

console.log('model           song   shots  bought   used   excess/shot (mean, worst)  shots over one step');
for (const [name, durations] of Object.entries(MODELS)) {
  const sorted = [...durations].sort((a, b) => a - b);
  const step = Math.min(...sorted.slice(1).map((d, i) => d - sorted[i]!), sorted[0]!);
  for (const song of [35, 180]) {
    let shots = 0;
    let bought = 0;
    let used = 0;
    let worst = 0;
    let over = 0;
    for (let bpm = 80; bpm <= 160; bpm += 5) {
      const plan = planSlots(songAt(bpm, song), durations, { minShotSec: sorted[0]! * 0.75 });
      for (const s of plan.shots) {
        const slot = s.end - s.start;
        const buy = buySeconds(slot, durations);
        shots++;
        bought += buy;
        used += Math.min(buy, slot);
        worst = Math.max(worst, buy - slot);
        if (buy - slot > step + 1e-6) over++;
      }
    }
    console.log(
      `${name.padEnd(15)} ${`${song}s`.padStart(5)} ${String(shots).padStart(6)} ${bought.toFixed(0).padStart(6)}s ${used.toFixed(0).padStart(5)}s   ${((bought - used) / shots).toFixed(2).padStart(5)}s, ${worst.toFixed(2)}s (step ${step}s)   ${over}`,
    );
  }
}
const cuts = [0, 2, 4, 5, 9];
mergeShortSlots(cuts, 3, 8);
console.log(`a 1-s leftover between 2-s slots on veo (min 3 s): cuts 0,2,4,5,9 → ${cuts.join(',')}`);
