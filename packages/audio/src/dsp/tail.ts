/**
 * Where the beat stops for good: a singer (or a spoken outro) who goes on after the band has finished, or
 * an outro that drifts into pads and effects, keeps onsets in every band, so the grid and the beats a
 * listener taps ran on into the words or the wash. The beat's end shows in two things at once, measured
 * over windows of beats against the song's own typical window:
 * - the beats no longer stand out of the onsets around them (syllables fall anywhere: the grid's points
 *   gather less of the window's onsets), and
 * - the bass bands go quiet (the four lowest mel bands, 30–320 Hz: kick, bass and the low notes of chords
 *   fill them; a voice has less there).
 * Either alone also happens inside music (a bass-less break, a busy fill), so both are asked for.
 */
import { peak } from './octave.js';
import type { Features } from './spectrum.js';

/** Beats a window holds: two bars of 4/4, enough to average out where syllables fall. */
const WINDOW = 8;
/**
 * A window whose points gather less than this share of the song's typical window's onset contrast is off
 * the grid. Train (290 songs, session 30): windows of voice alone after the music 0.28–0.96, nine in ten
 * under 0.7; the music's own last windows 0.54 and up, and 0.71 and up where their bass is also quiet.
 */
const OFF_GRID = 0.7;
/**
 * How much quieter the bass bands must be than in the song's typical window (mean log-mel of the four
 * lowest bands): windows after the music −0.6 to −1.3, the last windows of the music −0.5 and up where
 * the grid is also weak (a MIDI tune whose last bars thin out).
 */
const QUIET_BASS = -0.55;
/** Share of the windows from the cut to the end that must be beatless. */
const TAIL_SHARE = 2 / 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/**
 * The index of the first beat (frames) after the beat has stopped for good, or `beats.length` when it
 * runs to the end of the grid. Real recordings (ufoai, session 30): 17 of 64 tracks cut, 1–72 beats
 * of ambient outro where aubio and music-tempo, which both track on through it, agree with each other
 * at F 0.00–0.46.
 */
export function beatlessTailStart(beats: number[], f: Features): number {
  const n = beats.length;
  const windows = n - WINDOW + 1;
  // Too short a song has no typical window to judge a tail against.
  if (windows < 4 * WINDOW) return n;
  // Running sums per frame of the onset and of the bass level (mean log-mel of the lowest bands), so
  // each window's and each beat's mean is one subtraction.
  const lowBands = Math.min(4, f.bands);
  const onsetSum = new Float64Array(f.frames + 1);
  const bassSum = new Float64Array(f.frames + 1);
  for (let i = 0; i < f.frames; i++) {
    let low = 0;
    for (let b = 0; b < lowBands; b++) low += f.logMel[i * f.bands + b] ?? 0;
    onsetSum[i + 1] = (onsetSum[i] as number) + (f.beatOnset[i] ?? 0);
    bassSum[i + 1] = (bassSum[i] as number) + low / lowBands;
  }
  const at = (frame: number) => Math.max(0, Math.min(f.frames, frame));
  const meanOver = (sums: Float64Array, lo: number, hi: number) =>
    ((sums[at(hi)] as number) - (sums[at(lo)] as number)) / Math.max(1, hi - lo);
  const contrast: number[] = [];
  const bass: number[] = [];
  for (let k = 0; k < windows; k++) {
    const lo = Math.round(beats[k] as number);
    const hi = Math.round(beats[k + WINDOW - 1] as number) + 1;
    let onPoints = 0;
    for (let j = k; j < k + WINDOW; j++) onPoints += peak(f.beatOnset, beats[j] as number, 2);
    // The grid's points against the window's mean onset: high when the onsets fall on the beats.
    contrast.push(onPoints / WINDOW / (meanOver(onsetSum, lo, hi) || Number.MIN_VALUE));
    bass.push(meanOver(bassSum, lo, hi));
  }
  const typicalContrast = median(contrast);
  const typicalBass = median(bass);
  if (!(typicalContrast > 0)) return n;
  const beatless = contrast.map(
    (c, k) => c / typicalContrast < OFF_GRID && (bass[k] as number) - typicalBass < QUIET_BASS,
  );
  // The earliest beatless window from which on most windows are beatless: the beat ended before it.
  let cut = n;
  let alone = 0;
  for (let k = windows - 1; k >= 0; k--) {
    if (beatless[k]) alone++;
    if (beatless[k] && alone >= TAIL_SHARE * (windows - k)) cut = k;
  }
  if (cut === n) return n;
  // The first beatless window may still open with the music's last beats (a sparse last bar): the
  // music ends after the last of its beats whose bass still sounds as in the song's typical window.
  const beatBass = (j: number) => {
    const lo = Math.round(beats[j] as number);
    return meanOver(bassSum, lo, Math.max(lo + 1, Math.round(beats[j + 1] ?? lo + 1)));
  };
  let last = cut;
  while (last + 1 < Math.min(n, cut + WINDOW) && beatBass(last + 1) - typicalBass >= QUIET_BASS) last++;
  return Math.min(n, last + 1);
}
