import { describe, expect, it } from 'vitest';
import { SERIES_GAP_MS, tapper, tapTempo } from '../app/tap.js';

/** Taps every `ms`, starting at `t0`, each moved by the next value of `jitter` (cycled). */
function taps(n: number, ms: number, jitter: number[] = [0], t0 = 1000): number[] {
  return Array.from({ length: n }, (_, i) => t0 + i * ms + (jitter[i % jitter.length] as number));
}

describe('tap tempo', () => {
  it('needs four taps, and refuses times that do not move forward', () => {
    expect(tapTempo(taps(3, 500))).toBeUndefined();
    expect(tapTempo([0, 500, 500, 1000])).toBeUndefined();
    expect(tapTempo(taps(4, 500))).toEqual({ bpm: 120, taps: 4 });
  });

  it('reads a slow 6/8 at its dotted quarter and a fast waltz at its beat', () => {
    expect(tapTempo(taps(6, 1200))?.bpm).toBe(50);
    expect(tapTempo(taps(9, 60_000 / 180))?.bpm).toBe(180);
  });

  it('a human hand: uneven taps give the tempo within half a BPM, better than any one interval', () => {
    const uneven = taps(12, 500, [0, 35, -25, 10, -40, 20, 30, -15]);
    const worst = Math.min(...uneven.slice(1).map((t, i) => 60_000 / (t - (uneven[i] as number))));
    expect(worst).toBeLessThan(110); // a single interval can be 10 BPM off
    expect(Math.abs((tapTempo(uneven)?.bpm as number) - 120)).toBeLessThan(0.5);
  });

  it('a missed tap spans two beats instead of halving the tempo', () => {
    const missed = [...taps(5, 600), ...taps(4, 600, [0], 1000 + 6 * 600)];
    expect(missed[5]! - missed[4]!).toBe(1200);
    expect(tapTempo(missed)?.bpm).toBe(100);
  });

  it('a pause starts a new series', () => {
    let now = 0;
    const t = tapper(() => now);
    for (const at of taps(6, 400, [0], 0)) {
      now = at;
      t.tap();
    }
    expect(t.count).toBe(6);
    now += SERIES_GAP_MS + 1;
    expect(t.tap()).toBeUndefined();
    expect(t.count).toBe(1);
    for (let i = 0; i < 4; i++) {
      now += 750;
      t.tap();
    }
    now += 750;
    expect(t.tap()).toEqual({ bpm: 80, taps: 6 });
  });
});
