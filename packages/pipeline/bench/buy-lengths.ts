/**
 * Seconds of video bought for a 35-s song, by the old rule (the shortest allowed length ≥ the slot, 1 µs
 * tolerance) and by buySeconds (the shortest that fills the slot with at most a 15% slow-down), per model's
 * allowed lengths. Slots are two bars at each tempo from 80 to 160 BPM (the heuristic planner's usual cut), the
 * last one what is left of the song. Prints numbers; asserts nothing.
 *   pnpm --filter @beatframe/pipeline bench:buy-lengths
 */
import { buySeconds } from '../src/clip-request.js';

const MODELS: Record<string, number[]> = {
  'veo 3.1': [4, 6, 8],
  'fal kling': [5, 10],
  'sora 2': [4, 8, 12],
  'runway gen4.5': [2, 3, 4, 5, 6, 7, 8, 9, 10],
};
const SONG = 35;

function oldRule(slot: number, durations: number[]): number {
  const allowed = [...durations].sort((a, b) => a - b);
  return allowed.find((d) => d >= slot - 1e-6) ?? allowed[allowed.length - 1]!;
}

function slots(bpm: number): number[] {
  const bar2 = (8 * 60) / bpm;
  const out: number[] = [];
  let t = 0;
  while (t + bar2 < SONG - 1e-9) {
    out.push(bar2);
    t += bar2;
  }
  if (SONG - t > 1e-9) out.push(SONG - t);
  return out;
}

console.log(
  'model           old bought  new bought  used   (sums over 17 tempos, 80–160 BPM; per song: /17)',
);
for (const [name, durations] of Object.entries(MODELS)) {
  let before = 0;
  let after = 0;
  let used = 0;
  let worstOver = 0;
  for (let bpm = 80; bpm <= 160; bpm += 5)
    for (const s of slots(bpm)) {
      const a = buySeconds(s, durations);
      before += oldRule(s, durations);
      after += a;
      used += s;
      worstOver = Math.max(worstOver, a - s);
    }
  console.log(
    `${name.padEnd(15)} ${(before / 17).toFixed(1).padStart(9)}s ${(after / 17).toFixed(1).padStart(10)}s ${(used / 17).toFixed(1).padStart(5)}s   worst per-shot excess ${worstOver.toFixed(2)}s`,
  );
}
console.log(`a 4.001-s slot on veo: old ${oldRule(4.001, [4, 6, 8])}s, new ${buySeconds(4.001, [4, 6, 8])}s`);
console.log(`a 6.3-s slot on kling: old ${oldRule(6.3, [5, 10])}s, new ${buySeconds(6.3, [5, 10])}s`);
