/**
 * Where in a song the tracked beats miss (session 21: the practice set's long late slips to the off-beat).
 * For each train song (DIAG_CORPUS=1 the fast bench's train songs, DIAG_PRACTICE=1 the real-MIDI practice
 * set; ONLY=<substring>) below MAX_HIT (default 0.95) of its truth beats hit, the truth beats are walked in
 * 4-beat blocks, one character each: '#' all four matched within 70 ms, '+' some, '.' none; PHASE=1 adds
 * after each block where our next beat sits in the true beat, in tenths (0 on it, 5 the off-beat);
 * OFFS=1 prints the matched beats' offsets in 10-ms bins. Then the median offset and how many of our beats
 * run on after the truth's last. Train material only.
 * Run: DIAG_PRACTICE=1 PHASE=1 node bench/diag-misses.ts
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as audio from '@beatframe/audio';
import { classSongs } from './classes.ts';
import { tuningCorpus } from './corpus.ts';
import { cachedFeatures } from './feature-cache.ts';
import { practiceSongs } from './midi-practice.ts';

const only = process.env.ONLY;
const songs = [
  ...(process.env.DIAG_CORPUS === '1' ? tuningCorpus(join(tmpdir(), 'beatframe-audio-corpus'), {}) : []),
  ...(process.env.DIAG_PRACTICE === '1' ? practiceSongs() : []),
  ...(process.env.DIAG_CLASSES === '1' ? classSongs() : []),
].filter((s) => !s.heldOut && (!only || s.name.includes(only)));
for (const s of songs) {
  const f = await cachedFeatures(s.audio);
  const a = audio.analyzeFeatures(f, f.frames * f.hopSec, {});
  const est = a.beats;
  const ref = s.beats.filter((t) => t >= 5);
  const offs: number[] = [];
  let line = '';
  let hits = 0;
  for (let i = 0; i < ref.length; i += 4) {
    let h = 0;
    const blk = ref.slice(i, i + 4);
    for (const t of blk) {
      let best = Infinity;
      for (const e of est) if (Math.abs(e - t) < Math.abs(best)) best = e - t;
      if (Math.abs(best) <= 0.07) {
        h++;
        offs.push(best);
      }
    }
    hits += h;
    line += h === blk.length ? '#' : h === 0 ? '.' : '+';
    // The phase of our nearest beat after the block's first truth beat, in tenths of the true beat.
    if (process.env.PHASE === '1' && blk.length > 1) {
      const t0 = blk[0] as number;
      const ibi = (blk[1] as number) - t0;
      const e = est.find((x) => x >= t0 - 0.5 * ibi);
      const ph = e === undefined ? NaN : ((((e - t0) / ibi) % 1) + 1) % 1;
      line += Number.isNaN(ph) ? '?' : String(Math.round(ph * 10) % 10);
    }
  }
  if (process.env.OFFS === '1') {
    const hist = new Map<number, number>();
    for (const o of offs) hist.set(Math.round(o * 100), (hist.get(Math.round(o * 100)) ?? 0) + 1);
    console.log(
      `   offsets (10 ms bins): ${[...hist.entries()]
        .sort((x, y) => x[0] - y[0])
        .map(([k, v]) => `${k * 10}:${v}`)
        .join(' ')}`,
    );
  }
  const extra = est.filter((e) => e > (ref.at(-1) ?? 0) + 0.5).length;
  offs.sort((x, y) => x - y);
  const med = offs.length ? offs[offs.length >> 1]! : 0;
  const hitRate = hits / Math.max(1, ref.length);
  if (hitRate > Number(process.env.MAX_HIT ?? 0.95)) continue;
  console.log(
    `${s.name.padEnd(28)} ${String(s.bpm).padStart(3)} ours ${String(a.bpm).padStart(5)} hit ${hitRate.toFixed(2)} med ${(med * 1000).toFixed(0).padStart(4)} ms extra ${extra} last ref ${(ref.at(-1) ?? 0).toFixed(1)} est ${(est.at(-1) ?? 0).toFixed(1)}\n   ${line}`,
  );
}
