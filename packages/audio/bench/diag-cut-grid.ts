/**
 * Calibration of the edit's cut grid (`cutGrid` in @beatframe/core): for train songs (bench/train-songs.ts
 * selection: CORPUS=1, PRACTICE=1, CLASSES=1), the share of cut points on a true beat (±70 ms) and of bar
 * points on a true bar line: first for the points the analysed beats share with the runner-up's, by the
 * runner-up's kind (another octave or 2:3) and confidence; then for cutGrid at several runner-up
 * thresholds; and the tempo confidences, which set where the phrase level starts (bench/diag-steady.ts
 * has the beatless side); then, for 3/4 grids at TRIPLE_BARS_FROM or more, the beats against the bar
 * lines and cutGrid's points there without and with its triple rule. Held-out songs are never read. Run
 * after `pnpm --filter @beatframe/core build` and this package's build.
 */
import { cutGrid, TRIPLE_BARS_FROM } from '@beatframe/core';
import { onTruth } from './bench-util.ts';
import { analyzedWithSteps, trainSongs } from './train-songs.ts';

const THRESHOLDS = [0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01];
const rate = (p: { hit: number; n: number }) => p.hit / Math.max(1, p.n);

const rows = THRESHOLDS.map((th) => ({
  th,
  hit: 0,
  n: 0,
  barHit: 0,
  barN: 0,
  songMean: 0,
  shared: 0,
  flips: 0,
}));
const confs: Array<{ name: string; conf: number; alt: number; ok: boolean }> = [];
const kinds = new Map<
  string,
  {
    n: number;
    base: number;
    shared: number;
    gain: number;
    loss: number;
    barsBase: number;
    barsShared: number;
  }
>();
let songs = 0;
/** Fast triple grids (3/4 at TRIPLE_BARS_FROM or more): beats and bar lines on a true beat, by reading. */
const triple = new Map<string, { n: number; beats: number; bars: number; old: number; grid: number }>();
for (const s of trainSongs()) {
  const { a } = await analyzedWithSteps(s.audio);
  songs++;
  const base = rate(onTruth(a.beats, s.beats));
  const alt = a.alternative;
  if (alt && alt.confidence >= 0.5) {
    const kind = `${Math.abs(Math.log2(alt.bpm / a.bpm)) > 0.9 ? 'octave' : '2:3   '} at ${alt.confidence >= 0.7 ? '0.7–1  ' : '0.5–0.7'}`;
    const sharedPts = a.beats.filter((b) => alt.beats.some((t) => Math.abs(t - b) <= 0.02));
    const sharedBars = a.downbeats.filter((b) => sharedPts.includes(b));
    const shared = rate(onTruth(sharedPts, s.beats));
    const k = kinds.get(kind) ?? { n: 0, base: 0, shared: 0, gain: 0, loss: 0, barsBase: 0, barsShared: 0 };
    k.n++;
    k.base += base;
    k.shared += shared;
    if (shared > base + 0.2) k.gain++;
    if (shared < base - 0.2) k.loss++;
    k.barsBase += rate(onTruth(a.downbeats, s.downbeats));
    k.barsShared += rate(onTruth(sharedBars.length >= 2 ? sharedBars : sharedPts, s.downbeats));
    kinds.set(kind, k);
  }
  if (a.meter.beatsPerBar === 3 && a.meter.beatUnit === 4 && a.bpm >= TRIPLE_BARS_FROM) {
    const r = a.bpm / s.bpm;
    const kind = Math.abs(r - 1) < 0.05 ? 'right tempo' : Math.abs(r - 3) < 0.15 ? 'x3 (eighths)' : 'other';
    const t = triple.get(kind) ?? { n: 0, beats: 0, bars: 0, old: 0, grid: 0 };
    t.n++;
    t.beats += base;
    t.bars += rate(onTruth(a.downbeats, s.beats));
    t.old += rate(onTruth(cutGrid(a, { tripleBarsFrom: Number.POSITIVE_INFINITY }).points, s.beats));
    t.grid += rate(onTruth(cutGrid(a).points, s.beats));
    triple.set(kind, t);
  }
  confs.push({ name: s.name, conf: a.tempoConfidence, alt: a.alternative?.confidence ?? 0, ok: base >= 0.8 });
  for (const r of rows) {
    const g = cutGrid(a, { sharedFrom: r.th, phraseBelow: 0 });
    const p = onTruth(g.points, s.beats);
    const b = onTruth(g.bars, s.downbeats);
    r.hit += p.hit;
    r.n += p.n;
    r.barHit += b.hit;
    r.barN += b.n;
    const sp = rate(p);
    r.songMean += sp;
    if (g.level === 'shared') {
      r.shared++;
      if (sp > base + 0.2) r.flips++;
    }
  }
}
console.log(
  `${songs} train songs; runner-ups at 0.5 or more, by kind: points on a beat (a song's mean), analysed → shared with the runner-up; bar lines on a true bar line`,
);
for (const [kind, k] of [...kinds].sort())
  console.log(
    `  ${kind}: ${String(k.n).padStart(3)} songs  points ${(k.base / k.n).toFixed(3)} → ${(k.shared / k.n).toFixed(3)} (${k.gain} gained > 0.2, ${k.loss} lost)  bars ${(k.barsBase / k.n).toFixed(3)} → ${(k.barsShared / k.n).toFixed(3)}`,
  );
console.log(
  `cutGrid (octave runner-ups only); runner-up threshold → songs on the shared level (of them, gained > 0.2 precision), point precision (pooled, song mean), bar precision`,
);
for (const r of rows)
  console.log(
    `sharedFrom ${r.th.toFixed(2)}: shared ${String(r.shared).padStart(3)} (${String(r.flips).padStart(3)} gained)  points ${(r.hit / r.n).toFixed(3)} / ${(r.songMean / songs).toFixed(3)}  bars ${(r.barHit / Math.max(1, r.barN)).toFixed(3)}  (${r.n} points)`,
  );
console.log(
  `3/4 grids at ${TRIPLE_BARS_FROM} bpm or more: points on a true beat (a song's mean), beats, bar lines; cutGrid's points without the rule → with it`,
);
for (const [kind, t] of [...triple].sort())
  console.log(
    `  ${kind.padEnd(13)} ${String(t.n).padStart(3)} songs  ${(t.beats / t.n).toFixed(3)}, ${(t.bars / t.n).toFixed(3)}; ${(t.old / t.n).toFixed(3)} → ${(t.grid / t.n).toFixed(3)}`,
  );
const sorted = [...confs].sort((x, y) => x.conf - y.conf);
console.log('lowest tempo confidences (name, confidence, runner-up, beats ≥ 0.8 precise):');
for (const c of sorted.slice(0, 12))
  console.log(`  ${c.name.padEnd(34)} ${c.conf.toFixed(3)}  ${c.alt.toFixed(2)}  ${c.ok}`);
const q = (p: number) => sorted[Math.floor(p * (sorted.length - 1))]?.conf.toFixed(3);
console.log(`tempo confidence quantiles: 1% ${q(0.01)}  5% ${q(0.05)}  25% ${q(0.25)}  50% ${q(0.5)}`);
