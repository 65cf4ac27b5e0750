import { describe, expect, it } from 'vitest';
import { joinPhaseSlips, trackBeats } from '../src/dsp/beats.js';
import {
  barsAtThreeHalves,
  chooseBeatPhase,
  dottedReading,
  onSwungLet,
  tempoAcfs,
} from '../src/dsp/reading.js';

/** Envelopes of `frames` frames with unit spikes at the given frames (times `gain`). */
function spikes(frames: number, at: number[], gain = 1): Float32Array {
  const x = new Float32Array(frames);
  for (const t of at) if (t < frames) x[t] = (x[t] as number) + gain;
  return x;
}

describe('chooseBeatPhase', () => {
  // A beat of 20 frames; the tracked grid runs at half tempo (40 frames) on the eighth before beats 2 and 4,
  // where a montuno-like figure is loudest, while the bass plays on the beats themselves.
  const frames = 4000;
  const grid = Array.from({ length: 90 }, (_, k) => 10 + 40 * k);
  const periodAt = new Float32Array(frames).fill(40);
  const beats = Array.from({ length: 200 }, (_, k) => 20 * k);
  const full = spikes(frames, grid, 2);
  for (const b of beats) full[b] = (full[b] as number) + 0.8;

  it('moves a half-tempo grid an eighth (¼ of its period) onto the bass', () => {
    const low = spikes(
      frames,
      beats.filter((_, k) => k % 2 === 1),
    );
    const phase = chooseBeatPhase(grid, full, low, periodAt);
    expect(phase.shift).toBe(1 / 4);
    expect(phase.beats.slice(0, 4)).toEqual([20, 60, 100, 140]);
  });

  it('keeps the grid where the bass agrees with it', () => {
    const low = spikes(frames, grid);
    const phase = chooseBeatPhase(grid, full, low, periodAt);
    expect(phase.shift).toBe(0);
    expect(phase.beats).toBe(grid);
  });
});

describe('chooseBeatPhase: a half-tempo grid on the beat', () => {
  // Drums on every beat (20 frames), the grid at half tempo on them; the bass plays the eighth after
  // each grid point hard and the one after each midpoint softly (a rock groove's bass between the beats).
  const frames = 4000;
  const periodAt = new Float32Array(frames).fill(40);
  const grid = Array.from({ length: 90 }, (_, k) => 40 * k + 20);
  const drums = Array.from({ length: 180 }, (_, k) => 20 * k + 20);
  // Each drum hit decays over three frames, as a flux peak does (the song's first attack is found on it).
  const full = spikes(frames, drums);
  for (const d of drums) [full[d + 1], full[d + 2]] = [0.6, 0.3];
  const low = spikes(frames, drums, 0.4);
  for (const g of grid) {
    low[g + 10] = 1;
    low[g + 30] = 0.2;
  }

  it('is not moved a quarter onto the bass when the grid and its midpoints are the beats', () => {
    // The quarter alone gains 1.7 times the grid's evidence; with its midpoints, 1.04 times.
    const phase = chooseBeatPhase(grid, full, low, periodAt);
    expect(phase.shift).toBe(0);
    expect(phase.beats).toBe(grid);
  });
});

describe('chooseBeatPhase: the song starts on a beat', () => {
  // A beat of 20 frames with drums on every eighth, the off-beat eighths a little louder (a snare on
  // them): the tracker follows the off-beats. The song's first attack (a chord at frame 0) is on the beat.
  const frames = 4000;
  const periodAt = new Float32Array(frames).fill(20);
  const on = Array.from({ length: 199 }, (_, k) => 20 * k + 20);
  const off = Array.from({ length: 199 }, (_, k) => 20 * k + 10);
  const full = spikes(frames, [0], 3);
  for (const t of on) full[t] = 1;
  for (const t of off) full[t] = 1.15;
  const low = spikes(frames, [...on, ...off]);
  const tracked = off.slice(0, 150);

  it('moves a grid on the off-beat eighths onto the beat when the onsets nearly tie', () => {
    const phase = chooseBeatPhase(tracked, full, low, periodAt);
    expect(phase.shift).toBe(1 / 2);
    expect(phase.byStart).toBe(true);
    expect(phase.beats.slice(0, 3)).toEqual([20, 40, 60]);
  });

  it('keeps the off-beat grid when its onsets are far louder (a skank, not a tie)', () => {
    const loud = Float32Array.from(full);
    for (const t of off) loud[t] = 3;
    const lowOff = spikes(frames, off);
    expect(chooseBeatPhase(tracked, loud, lowOff, periodAt).shift).toBe(0);
  });
});

describe('chooseBeatPhase: the backbeat holds the grid', () => {
  // A beat of 20 frames; the tracked grid is on the beats. Kick on beats 1 and 3, snare on 2 and 4 (the
  // high band), and a bass line on every off-beat, louder in the bass band than the kick (a game tune's
  // bass running on the "and"s).
  const frames = 4000;
  const periodAt = new Float32Array(frames).fill(20);
  const beats = Array.from({ length: 190 }, (_, k) => 20 + 20 * k);
  const offBeats = beats.map((b) => b + 10);
  const kicks = beats.filter((_, k) => k % 2 === 0);
  const snares = beats.filter((_, k) => k % 2 === 1);
  const low = spikes(frames, kicks);
  for (const t of offBeats) low[t] = (low[t] as number) + 1.5;
  const full = spikes(frames, beats);
  for (const t of offBeats) full[t] = (full[t] as number) + 0.5;
  const high = spikes(frames, snares);

  it('follows the bass onto the off-beats when it has no high band to weigh', () => {
    expect(chooseBeatPhase(beats, full, low, periodAt).shift).toBe(1 / 2);
  });

  it('keeps the grid on the kick/snare backbeat the shift would take away', () => {
    const phase = chooseBeatPhase(beats, full, low, periodAt, high);
    expect(phase.shift).toBe(0);
    expect(phase.beats).toBe(beats);
  });

  it('still moves a grid off a skank onto the bass (no backbeat either way)', () => {
    // The tracker followed chords and hats on every off-beat; the bass plays on the beats.
    const skankFull = spikes(frames, offBeats, 2);
    for (const t of beats) skankFull[t] = (skankFull[t] as number) + 0.5;
    const phase = chooseBeatPhase(
      offBeats,
      skankFull,
      spikes(frames, beats),
      periodAt,
      spikes(frames, offBeats),
    );
    expect(phase.shift).toBe(1 / 2);
    expect(phase.beats.slice(0, 3)).toEqual([40, 60, 80]);
  });
});

describe('chooseBeatPhase: a bass line on the off-beats under drums on the beat', () => {
  // A beat of 20 frames; drums (full band) on every beat, the grid on them. From the second beat a bass
  // line plays every off-beat, louder in the bass band than the kick, with a soft hi-hat there too.
  const frames = 4000;
  const periodAt = new Float32Array(frames).fill(20);
  const on = Array.from({ length: 199 }, (_, k) => 20 * k + 20);
  const off = on.slice(0, -1).map((t) => t + 10);
  const grid = on.slice(0, 150);
  const full = spikes(frames, on);
  for (const t of off) full[t] = 0.3;
  const withBass = (kick: number, bass: number) => {
    const low = spikes(frames, on, kick);
    for (const t of off) low[t] = bass;
    return low;
  };

  it('keeps the grid when the off-beats gain less than half as much again (1.4 times)', () => {
    expect(chooseBeatPhase(grid, full, withBass(1, 2.4), periodAt).shift).toBe(0);
  });

  it('moves it when the bass band is almost all on the off-beats (1.9 times: a skank over a soft kick)', () => {
    const phase = chooseBeatPhase(grid, full, withBass(0.5, 2), periodAt);
    expect(phase.shift).toBe(1 / 2);
    expect(phase.beats.slice(0, 2)).toEqual([30, 50]);
  });
});

describe('chooseBeatPhase: a half-tempo grid on a trance groove’s off-beat eighths', () => {
  // A beat of 20 frames: a kick on every beat (loud in the full band, softer in the bass band), a bass note
  // and an open hat on every off-beat (loudest in the bass band). The grid runs at half tempo on the
  // off-beats, where the bass band holds it.
  const frames = 4000;
  const periodAt = new Float32Array(frames).fill(40);
  const kicks = Array.from({ length: 199 }, (_, k) => 20 * k + 20);
  const offs = kicks.map((t) => t + 10);
  const grid = Array.from({ length: 95 }, (_, k) => 40 * k + 30);
  const full = spikes(frames, kicks);
  for (const t of offs) full[t] = 0.3;
  const low = spikes(frames, kicks, 0.8);
  for (const t of offs) low[t] = 1.5;

  // 20 ms frames: the beat at 150 bpm, the grid at 75.
  const hopSec = 0.02;

  it('moves it a quarter of its period onto the kicks, which the whole band says are the beats', () => {
    const phase = chooseBeatPhase(grid, full, low, periodAt, undefined, hopSec);
    expect([1 / 4, 3 / 4]).toContain(phase.shift);
    for (const b of phase.beats.slice(0, 20)) expect(kicks).toContain(b);
  });

  it('leaves it on the off-beats when the whole band is as loud there as on the kicks (no evidence)', () => {
    const even = spikes(frames, [...kicks, ...offs]);
    expect(chooseBeatPhase(grid, even, low, periodAt, undefined, hopSec).shift).toBe(0);
  });

  it('leaves a grid too fast to be at half tempo alone (its quarters are sixteenths)', () => {
    // 10 ms frames: the grid at 150 bpm.
    expect(chooseBeatPhase(grid, full, low, periodAt, undefined, 0.01).shift).toBe(0);
  });
});

describe('barsAtThreeHalves', () => {
  const hopSec = 0.01;
  /** An autocorrelation with the given peaks (lag in seconds → value), 0 elsewhere. */
  const acf = (peaks: Array<[number, number]>) => {
    const a = new Float64Array(700);
    for (const [sec, v] of peaks) a[Math.round(sec / hopSec)] = v;
    return a;
  };
  it('says a 12/8 reading at 100 is two thirds of a straight 150 whose riff repeats every 2 and 4 beats', () => {
    // Beat 0.4 s; the reading's period 0.6 s. Eighths (0.2 s) sound, the riff repeats at 0.8 and 1.6 s more
    // than at 0.6 and 1.8 s.
    const full = acf([
      [0.2, 0.46],
      [0.4, 0.62],
      [0.6, 0.4],
      [0.8, 0.53],
      [1.2, 0.44],
      [1.6, 0.59],
      [1.8, 0.38],
    ]);
    expect(barsAtThreeHalves(full, 100, hopSec)).toBe(true);
  });
  it('leaves a real 6/8 alone (it repeats at its dotted beats), and a reading that does not divide in threes', () => {
    const sixEight = acf([
      [0.2, 0.4],
      [0.6, 0.8],
      [0.8, 0.15],
      [1.2, 0.85],
      [1.6, 0.2],
      [1.8, 0.7],
    ]);
    expect(barsAtThreeHalves(sixEight, 100, hopSec)).toBe(false);
    const doubled = acf([
      [0.3, 0.12],
      [0.6, 0.4],
      [0.8, 0.53],
      [1.6, 0.59],
    ]);
    expect(barsAtThreeHalves(doubled, 100, hopSec)).toBe(false);
  });
});

describe('dottedReading', () => {
  const hopSec = 0.01;
  const frames = 6000;
  // A straight beat of 0.5 s (120 bpm) with sixteenths on the hi-hat and a 3+3+2 riff over each 4-beat bar
  // (3+3+3+3+4 sixteenths): its dotted eighths (0.375 s, 160 bpm) are the most regular onsets.
  const sixteenths = Array.from({ length: frames / 12.5 }, (_, k) => Math.round(12.5 * k));
  const riff = [0, 3, 6, 9, 12].map((s) => s * 12.5);
  const bars = Array.from({ length: frames / 200 }, (_, k) => 200 * k);
  const riffFrames = bars.flatMap((b) => riff.map((r) => Math.round(b + r)));
  it('reads a riff heard at its dotted eighths at the beat its bar repeats on', () => {
    const full = spikes(frames, sixteenths, 0.3);
    for (const t of riffFrames) full[t] = (full[t] as number) + 1;
    const low = spikes(frames, riffFrames);
    const bpm = dottedReading(tempoAcfs(full, low, hopSec), 160, hopSec);
    expect(bpm).toBeDefined();
    expect(Math.abs((bpm as number) / 120 - 1)).toBeLessThan(0.04);
  });
  it('reads a dotted-eighth figure with nothing between its notes at its beat', () => {
    // A pluck on the riff alone, no hi-hat: the reading's periods do not divide in three, but the bar
    // repeats a quarter more than any multiple of the dotted eighth.
    const bpm = dottedReading(
      tempoAcfs(spikes(frames, riffFrames), spikes(frames, riffFrames), hopSec),
      160,
      hopSec,
    );
    expect(bpm).toBeDefined();
    expect(Math.abs((bpm as number) / 120 - 1)).toBeLessThan(0.04);
  });
  it('leaves a straight beat with a four-on-the-floor kick alone', () => {
    const full = spikes(frames, sixteenths, 0.3);
    const kicks = Array.from({ length: frames / 37.5 }, (_, k) => Math.round(37.5 * k));
    for (const t of kicks) full[t] = (full[t] as number) + 1;
    expect(dottedReading(tempoAcfs(full, spikes(frames, kicks), hopSec), 160, hopSec)).toBeUndefined();
  });
});

describe('onSwungLet', () => {
  // A shuffle with a beat of 60 frames: the beat, and the swung eighth 40 frames after it.
  const frames = 6000;
  const beats = Array.from({ length: 99 }, (_, k) => 30 + 60 * k);
  const env = spikes(frames, beats);
  for (const b of beats) env[b + 40] = 0.6;
  it('finds a grid on the swung eighths, whose beat comes a third of a period after each point', () => {
    expect(
      onSwungLet(
        beats.map((b) => b + 40),
        env,
      ),
    ).toBe(true);
  });
  it('leaves a grid on the beat, at half tempo or on straight eighths alone', () => {
    expect(onSwungLet(beats, env)).toBe(false);
    expect(
      onSwungLet(
        beats.filter((_, i) => i % 2 === 0),
        env,
      ),
    ).toBe(false);
    const straight = spikes(frames, beats);
    for (const b of beats) straight[b + 30] = 0.6;
    expect(
      onSwungLet(
        beats.map((b) => b + 30),
        straight,
      ),
    ).toBe(false);
  });
});

describe('joinPhaseSlips', () => {
  const periodAt = new Float32Array(4000).fill(20);
  const onBeat = (grid: number[]) => grid.every((b) => Math.abs(b / 20 - Math.round(b / 20)) < 0.01);

  it('moves a passage that slipped half a beat late back onto the song’s phase', () => {
    // 60 beats on the beat, one interval of 1.5 periods, 30 beats on the off-beat.
    const grid = [
      ...Array.from({ length: 60 }, (_, k) => 20 * k),
      ...Array.from({ length: 30 }, (_, k) => 1210 + 20 * k),
    ];
    const joined = joinPhaseSlips(grid, periodAt);
    expect(onBeat(joined)).toBe(true);
    expect(joined).toEqual(Array.from({ length: 90 }, (_, k) => 20 * k));
  });

  it('moves a passage between two slips (two short steps out, one long step back) onto the others', () => {
    const grid = [
      ...Array.from({ length: 80 }, (_, k) => 20 * k), // 0 … 1580
      1595, // two steps of 15 frames: now on the off-beat
      ...Array.from({ length: 20 }, (_, k) => 1610 + 20 * k), // … 1990
      ...Array.from({ length: 80 }, (_, k) => 2020 + 20 * k), // a step of 30: back on the beat, … 3600
    ];
    const joined = joinPhaseSlips(grid, periodAt);
    // No beat lost or doubled: every multiple of 20 from 0 to the end.
    expect(joined).toEqual(Array.from({ length: 181 }, (_, k) => 20 * k));
  });

  it('keeps the phase most of the song has: a short intro on the off-beat moves, not the song', () => {
    const grid = [
      ...Array.from({ length: 12 }, (_, k) => 10 + 20 * k),
      ...Array.from({ length: 80 }, (_, k) => 260 + 20 * k),
    ];
    const joined = joinPhaseSlips(grid, periodAt);
    expect(onBeat(joined)).toBe(true);
    expect(joined.slice(-80)).toEqual(grid.slice(-80));
  });

  it('keeps a slipped passage where its onsets are when moving it would cost the grid a quarter of its support', () => {
    const grid = [
      ...Array.from({ length: 60 }, (_, k) => 20 * k),
      ...Array.from({ length: 30 }, (_, k) => 1210 + 20 * k),
    ];
    // Onsets under every tracked beat and nowhere else (a real half-beat shift: an odd bar, a pause).
    const onsets = new Set(grid);
    const support = (t: number) => (onsets.has(Math.round(t)) ? 1 : 0);
    expect(joinPhaseSlips(grid, periodAt, support)).toEqual(grid);
    // The same passage over onsets on both halves of the beat (the DP chose the louder half): it moves.
    const both = (t: number) => (onsets.has(Math.round(t)) ? 1 : Math.round(t) % 10 === 0 ? 0.6 : 0);
    expect(joinPhaseSlips(grid, periodAt, both)).toEqual(Array.from({ length: 90 }, (_, k) => 20 * k));
  });

  it('leaves a steady grid alone whose one fill comes back to the beat (a hold of 1.3 periods, then 0.7)', () => {
    const grid = [
      ...Array.from({ length: 60 }, (_, k) => 20 * k),
      1206,
      ...Array.from({ length: 60 }, (_, k) => 1220 + 20 * k),
    ];
    expect(joinPhaseSlips(grid, periodAt)).toEqual(grid);
  });

  it('leaves a played grid alone (rubato: over 2 % of its intervals unsteady), slips and all', () => {
    const grid: number[] = [];
    let t = 0;
    for (let k = 0; k < 100; k++) {
      grid.push(t);
      // 15 % long on every sixth beat, and one half-beat slip after beat 62 with steady beats around it.
      t += k === 62 ? 30 : k % 6 === 5 ? 23 : 20;
    }
    expect(joinPhaseSlips(grid, periodAt)).toEqual(grid);
  });
});

describe('one phase a song: tracking through a passage with louder off-beats', () => {
  // A beat of 20 frames. For 120 beats the kick and the snare sit on the beats; then 40 beats of a skank:
  // a loud chord on every off-beat, the bass still on the beats but softer. The beat DP follows the
  // louder off-beats into the passage; joined and phased, the grid stays on the beat throughout.
  const frames = 160 * 20 + 40;
  const full = new Float32Array(frames);
  const low = new Float32Array(frames);
  for (let k = 0; k < 160; k++) {
    const b = 20 * k + 20;
    if (k < 120) {
      full[b] = 1;
      full[b + 10] = 0.3;
      low[b] = 1;
    } else {
      full[b] = 0.4;
      full[b + 10] = 1.2;
      low[b] = 0.6;
    }
  }
  const periodAt = new Float32Array(frames).fill(20);
  const tracked = trackBeats(full, periodAt);
  const late = (grid: number[]) => grid.filter((b) => b > 20 * 125 && b < 20 * 155);
  const offBeat = (b: number) => Math.abs(((b - 20) % 20) - 10) < 2;

  it('the DP alone slips onto the off-beat for the passage (the failure this fixes)', () => {
    expect(late(tracked).filter(offBeat).length).toBeGreaterThan(20);
  });

  it('phased and joined, the passage is tracked on its beats', () => {
    const phased = chooseBeatPhase(tracked, full, low, periodAt).beats;
    const l = late(joinPhaseSlips(phased, periodAt));
    expect(l.length).toBeGreaterThan(25);
    expect(
      l.filter((b) => Math.abs((((b - 20) % 20) + 20) % 20) < 2 || Math.abs(((b - 20) % 20) - 20) < 2).length,
    ).toBe(l.length);
  });
});
