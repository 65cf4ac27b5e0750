/**
 * Diagnostic: for every rule that moves the tempo reading (the audit log's steps: the comb's related
 * readings in reading.ts, the level moves in level.ts), how often it moved a reading AMLt accepts (the
 * truth's tempo, double or half, within 4 %) to one it does not (hurt) and the other way (helped).
 * Also counted: moves onto and off the truth's own level (beat F counts those). Train material only (bench/train-songs.ts selection); VERBOSE=1 lists the songs.
 */
import { analyzedWithSteps, trainSongs } from './train-songs.ts';

const okLevel = (bpm: number, truth: number) =>
  [1, 2, 0.5].some((m) => Math.abs(bpm / (truth * m) - 1) < 0.04);
const exact = (bpm: number, truth: number) => Math.abs(bpm / truth - 1) < 0.04;
const tally = new Map<
  string,
  { helped: number; hurt: number; same: number; toTruth: number; offTruth: number }
>();
for (const s of trainSongs()) {
  const { steps } = await analyzedWithSteps(s.audio);
  let before: number | undefined;
  for (const step of steps) {
    const m = /^(.*?):? ([\d.]+)$/.exec(step);
    if (!m) continue;
    const rule = (m[1] as string).replace(/x0\.5|x2/, (x) => x);
    const bpm = Number(m[2]);
    if (before !== undefined) {
      const a = okLevel(before, s.bpm);
      const b = okLevel(bpm, s.bpm);
      const t = tally.get(rule) ?? { helped: 0, hurt: 0, same: 0, toTruth: 0, offTruth: 0 };
      if (!exact(before, s.bpm) && exact(bpm, s.bpm)) t.toTruth++;
      if (exact(before, s.bpm) && !exact(bpm, s.bpm)) t.offTruth++;
      if (a && !b) t.hurt++;
      else if (!a && b) t.helped++;
      else t.same++;
      tally.set(rule, t);
      if (process.env.VERBOSE === '1' && (a !== b || exact(before, s.bpm) !== exact(bpm, s.bpm)))
        console.log(
          `${a && !b ? 'HURT ' : !a && b ? 'HELP ' : exact(bpm, s.bpm) ? 'exact' : 'off  '} ${s.name.padEnd(28)} truth ${s.bpm.toFixed(0)}  ${steps.join(' → ')}`,
        );
    }
    before = bpm;
  }
}
for (const [rule, t] of tally)
  console.log(
    `${rule.padEnd(36)} helped ${t.helped}  hurt ${t.hurt}  neutral ${t.same}  (to the truth's level ${t.toTruth}, off it ${t.offTruth})`,
  );
