/**
 * The train material the diagnostics read, chosen by environment: CLASSES=1 the class renders
 * (bench/classes.ts), PRACTICE=1 the real-MIDI practice set (bench/midi-practice.ts), UNSEEN=1 the
 * train half of the second third-party set (bench/unseen.ts), STYLES=1 the train half of the third
 * (bench/styles.ts), PRODUCED=1 the train half of the fourth (bench/produced.ts), CORPUS=1 the corpus'
 * train grooves, planetblupi and section songs; ONLY=<substring> keeps songs whose name holds it. The
 * held-out slice is never included.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFeatures, type Features } from '@beatframe/audio';
import { ONSET_LATENCY_SEC } from '../dist/analyze.js';
import { trackBeats, trackTempo, trimBeats } from '../dist/dsp/beats.js';
import { classSongs } from './classes.ts';
import { beatCorpus, type CorpusSong, packagedMidiCorpus, sectionCorpus } from './corpus.ts';
import { cachedFeatures } from './feature-cache.ts';
import { practiceSongs } from './midi-practice.ts';
import { producedSongs } from './produced.ts';
import { styleSongs } from './styles.ts';
import { unseenSongs } from './unseen.ts';

export function trainSongs(): CorpusSong[] {
  const cache = join(tmpdir(), 'beatframe-audio-corpus');
  const only = process.env.ONLY;
  return [
    ...(process.env.CLASSES === '1' ? classSongs() : []),
    ...(process.env.PRACTICE === '1' ? practiceSongs() : []),
    ...(process.env.UNSEEN === '1' ? unseenSongs() : []),
    ...(process.env.STYLES === '1' ? styleSongs() : []),
    ...(process.env.PRODUCED === '1' ? producedSongs() : []),
    ...(process.env.CORPUS === '1'
      ? [
          ...beatCorpus(join(cache, 'grooves')),
          ...packagedMidiCorpus(join(cache, 'midi')),
          ...sectionCorpus(join(cache, 'sections')),
        ]
      : []),
  ].filter((s) => !s.heldOut && (!only || s.name.includes(only)));
}

/**
 * Beat times (seconds, as the analysis reports them or as a truth gives them) as onset frames: where the
 * onset envelopes peak for them, `ONSET_LATENCY_SEC` later (analyze.ts reports beats that much earlier).
 */
export function onsetFrames(beats: number[], hopSec: number): number[] {
  return beats.map((t) => (t - ONSET_LATENCY_SEC) / hopSec);
}

/** Where grid points (frames) fall in the true beat, 0…1, as a circular mean (0 = on the beat). */
export function phaseInBeat(grid: number[], truthSec: number[], hopSec: number): number {
  const ref = truthSec.map((t) => t / hopSec);
  let x = 0;
  let y = 0;
  for (const b of grid) {
    const k = ref.findIndex((t) => t > b);
    if (k < 1) continue;
    const a = (2 * Math.PI * (b - (ref[k - 1] as number))) / ((ref[k] as number) - (ref[k - 1] as number));
    x += Math.cos(a);
    y += Math.sin(a);
  }
  return (((Math.atan2(y, x) / (2 * Math.PI)) % 1) + 1) % 1;
}

/** A song's cached features, our analysis of them and the tempo decision's steps (the audit trail). */
export async function analyzedWithSteps(audio: string) {
  const f = await cachedFeatures(audio);
  let steps: string[] = [];
  const decisions = {
    record: (d: { output?: unknown }) => {
      const o = d.output as { steps?: string[] } | undefined;
      if (o?.steps) steps = o.steps;
    },
  };
  const a = analyzeFeatures(f, f.frames * f.hopSec, { decisions });
  return { f, a, steps };
}

/**
 * The grid the tracker lays at `bpm` (its own choice when 0) before the phase choice (frames), with its
 * tempo path: what `beatsOnPath` (dsp/level.ts) hands to `chooseBeatPhase`.
 */
export function trackedGrid(f: Features, bpm: number) {
  const tempo = trackTempo(f.beatOnset, f.hopSec, bpm || undefined);
  return { tempo, tracked: trimBeats(trackBeats(f.beatOnset, tempo.periodAt), f.beatOnset, tempo.periodAt) };
}
