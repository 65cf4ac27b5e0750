import { describe, expect, it } from 'vitest';
import { realFft } from '../src/dsp/fft.js';
import { lagSums } from '../src/dsp/lag-sums.js';

/** A deterministic pseudo-random signal (xorshift), so a failure reproduces. */
function noise(n: number, seed = 7): Float64Array {
  let s = seed >>> 0 || 1;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    x[i] = ((s >>> 0) / 2 ** 32) * 2 - 1;
  }
  return x;
}

describe('lagSums', () => {
  it('is bit for bit the plain autocorrelation loop, for any length and lag range', () => {
    for (const [n, lo, hi] of [
      [1000, 0, 64],
      [1000, 11, 66],
      [37, 3, 40], // lags past the end are left alone
      [8, 0, 7],
      [5, 2, 3],
      [2, 0, 1],
    ] as const) {
      const x = noise(n, n + lo);
      const out = new Float64Array(hi + 1).fill(-1);
      lagSums(x, lo, hi, out);
      for (let lag = 0; lag <= hi; lag++) {
        if (lag < lo || lag >= n) {
          expect(out[lag], `n ${n} lag ${lag}`).toBe(-1);
          continue;
        }
        let s = 0;
        for (let j = 0; j + lag < n; j++) s += (x[j] as number) * (x[j + lag] as number);
        expect(out[lag], `n ${n} lag ${lag}`).toBe(s);
      }
    }
  });

  it('takes single-precision input as well', () => {
    const x = Float32Array.from(noise(300));
    const out = new Float64Array(21);
    lagSums(x, 0, 20, out);
    let s = 0;
    for (let j = 0; j + 20 < 300; j++) s += (x[j] as number) * (x[j + 20] as number);
    expect(out[20]).toBe(s);
    expect(out[0]).toBeGreaterThan(0);
  });
});

describe('realFft', () => {
  it('matches the discrete Fourier transform of a frame (packed DC, Nyquist, then re/im pairs)', () => {
    const n = 64;
    const x = noise(n, 3);
    const fft = realFft(n);
    fft.input().set(x);
    const out = Array.from(fft.transform());
    for (let k = 0; k <= n / 2; k++) {
      let re = 0;
      let im = 0;
      for (let t = 0; t < n; t++) {
        re += (x[t] as number) * Math.cos((2 * Math.PI * k * t) / n);
        im -= (x[t] as number) * Math.sin((2 * Math.PI * k * t) / n);
      }
      const [gotRe, gotIm] = k === 0 ? [out[0], 0] : k === n / 2 ? [out[1], 0] : [out[2 * k], out[2 * k + 1]];
      expect(gotRe, `re ${k}`).toBeCloseTo(re, 4);
      expect(gotIm, `im ${k}`).toBeCloseTo(im, 4);
    }
  });

  it('shares one transform per size, and its views survive the heap growing', () => {
    const a = realFft(1024);
    expect(realFft(1024)).toBe(a);
    a.input().fill(0);
    a.input()[0] = 1; // an impulse: a flat spectrum
    // Plenty of new sizes allocate in the WebAssembly heap, which may grow and detach old views.
    for (let size = 32; size <= 1 << 16; size *= 2) realFft(size);
    const spec = a.transform();
    expect(spec[0]).toBeCloseTo(1, 6);
    expect(spec[1]).toBeCloseTo(1, 6);
    expect(spec[2 * 100]).toBeCloseTo(1, 6);
    expect(spec[2 * 100 + 1]).toBeCloseTo(0, 6);
  });

  it('refuses a size PFFFT cannot transform', () => {
    expect(() => realFft(100)).toThrow(/cannot transform 100/);
  });
});
