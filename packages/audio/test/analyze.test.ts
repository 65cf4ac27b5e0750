import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AudioAnalysis, type Decision, InputError } from '@beatframe/core';
import { writeDemoSong } from '@beatframe/synth';
import { describe, expect, it } from 'vitest';
import { analyzeAudio, decodeAudio } from '../src/index.js';
import { FIXTURE_DIR, ffmpeg, fMeasure, HAS_FLUIDSYNTH, shortSong } from './fixtures.js';

describe.skipIf(!HAS_FLUIDSYNTH)('analyzeAudio on rendered MIDI songs', () => {
  it('finds the beats, tempo, 4/4 downbeats and the repeated sections of a 4/4 song', async () => {
    const { wav, truth } = shortSong('4/4', 120);
    const decisions: Array<Omit<Decision, 'at'>> = [];
    const progress: number[] = [];
    const a = await analyzeAudio(wav, {
      decisions: { record: (d) => void decisions.push(d) },
      onProgress: (f) => progress.push(f),
    });
    expect(AudioAnalysis.parse(a)).toEqual(a);
    expect(a.bpm).toBeGreaterThan(117);
    expect(a.bpm).toBeLessThan(123);
    expect(fMeasure(truth.beats, a.beats)).toBeGreaterThan(0.9);
    expect(a.meter).toEqual({ beatsPerBar: 4, beatUnit: 4 });
    expect(fMeasure(truth.downbeats, a.downbeats)).toBeGreaterThan(0.8);
    expect(a.beatStrengths).toHaveLength(a.beats.length);
    // Sections tile the file, and the second verse is the same material as the first.
    expect(a.sections[0]?.start).toBe(0);
    expect(a.sections.at(-1)?.end).toBeCloseTo(a.durationSec, 2);
    for (let i = 1; i < a.sections.length; i++) expect(a.sections[i]?.start).toBe(a.sections[i - 1]?.end);
    const groupAt = (t: number) => a.sections.find((s) => s.start <= t && t < s.end)?.group;
    const [v1, c1, v2, c2] = truth.sections.map((s) => (s.start + s.end) / 2) as [
      number,
      number,
      number,
      number,
    ];
    expect(groupAt(v1)).toBe(groupAt(v2));
    expect(groupAt(c1)).toBe(groupAt(c2));
    expect(groupAt(v1)).not.toBe(groupAt(c1));
    expect(a.energy.values.length).toBeGreaterThan(100);
    expect(Math.max(...a.energy.values)).toBeLessThanOrEqual(1);
    expect(decisions.map((d) => d.summary).join('\n')).toMatch(
      /tempo .*bpm[\s\S]*meter 4\/4 \(confidence \d\.\d\d, runner-up 3\/4\)[\s\S]*sections:/,
    );
    // The tempo decision carries the rules that reached it, the comb's reading first.
    const tempo = decisions.find((d) => d.summary.startsWith('tempo'))?.output as { steps: string[] };
    expect(tempo.steps[0]).toMatch(/^comb \d+\.\d$/);
    expect(progress.at(-1)).toBe(1);
  });

  it('names sections from timed lyrics tags when given them', async () => {
    const { wav, truth } = shortSong('4/4', 120);
    const chorus = truth.sections[1] as { start: number; end: number };
    const a = await analyzeAudio(wav, {
      lyrics: {
        timing: 'line',
        lines: [{ text: 'la la', start: chorus.start + 1, end: chorus.start + 4, section: 'Bridge' }],
      },
    });
    const mid = (chorus.start + chorus.end) / 2;
    expect(a.sections.find((s) => s.start <= mid && mid < s.end)?.label).toBe('bridge');
  });

  it('gives two songs analysed at once the same results as one at a time (the FFT buffers are shared)', async () => {
    const four = shortSong('4/4', 120).wav;
    const three = shortSong('3/4', 132).wav;
    const apart = [await analyzeAudio(four), await analyzeAudio(three)];
    const together = await Promise.all([analyzeAudio(four), analyzeAudio(three), analyzeAudio(four)]);
    expect(together[0]).toEqual(apart[0]);
    expect(together[1]).toEqual(apart[1]);
    expect(together[2]).toEqual(apart[0]);
    expect(apart[0]?.meter.beatsPerBar).not.toBe(apart[1]?.meter.beatsPerBar);
  });

  it('hears 3/4 as three beats to the bar', async () => {
    const { wav, truth } = shortSong('3/4', 132);
    const a = await analyzeAudio(wav);
    expect(a.meter.beatsPerBar).toBe(3);
    expect(fMeasure(truth.beats, a.beats)).toBeGreaterThan(0.9);
    expect(fMeasure(truth.downbeats, a.downbeats)).toBeGreaterThan(0.7);
  });
});

/** 30 s of a tone, made by ffmpeg (no fluidsynth needed). */
function tone30s(): string {
  const path = join(FIXTURE_DIR, 'tone-30s.wav');
  ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=220:sample_rate=22050:duration=30', path]);
  return path;
}

describe('analyzeAudio on the demo song', () => {
  it('counts bars from the first beat at 0 s, which the song plays softly, so sections start on their bars', async () => {
    // The grid ran 50 ms early and the beat at 0 s was dropped as being before the file: the first bar had
    // three beats, the bar count started a bar late and every section boundary came 2 s after the truth.
    const song = await writeDemoSong(join(FIXTURE_DIR, 'demo-song'));
    const a = await analyzeAudio(song.wavPath);
    expect(a.downbeats[0]).toBeLessThan(0.07);
    const truth = (
      JSON.parse(readFileSync(song.truthPath, 'utf8')) as { sections: Array<{ start: number }> }
    ).sections.map((x) => x.start);
    const starts = a.sections.slice(1).map((x) => x.start);
    expect(starts.length).toBeGreaterThanOrEqual(3);
    for (const t of starts)
      expect(Math.min(...truth.map((b) => Math.abs(b - t))), `section at ${t}`).toBeLessThan(0.25);
  });
});

describe('analyzeAudio on bad or odd input', () => {
  it('returns a defined result for silence', async () => {
    const path = join(FIXTURE_DIR, 'silence.wav');
    ffmpeg(['-f', 'lavfi', '-i', 'anullsrc=r=22050:cl=mono', '-t', '5', path]);
    const a = await analyzeAudio(path);
    expect(a.bpm).toBe(0);
    expect(a.beats).toEqual([]);
    expect(a.sections).toEqual([{ start: 0, end: 5, label: 'silence', energy: 0, group: 'A' }]);
  });

  it('gives a sub-second sound one section and no beats', async () => {
    const path = join(FIXTURE_DIR, 'blip.wav');
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=22050:duration=0.5', path]);
    const a = await analyzeAudio(path);
    expect(a.beats).toEqual([]);
    expect(a.sections).toEqual([{ start: 0, end: 0.5, label: 'verse', energy: 1, group: 'A' }]);
  });

  it('refuses what is not audio, empty, missing or too long, with one-line InputErrors', async () => {
    const text = join(FIXTURE_DIR, 'notes.txt');
    writeFileSync(text, 'this is not a song\n'.repeat(50));
    const empty = join(FIXTURE_DIR, 'empty.mp3');
    writeFileSync(empty, '');
    await expect(analyzeAudio(text)).rejects.toThrow(/not decodable audio/);
    await expect(analyzeAudio(empty)).rejects.toBeInstanceOf(InputError);
    await expect(analyzeAudio(join(FIXTURE_DIR, 'nope.mp3'))).rejects.toBeInstanceOf(InputError);
    const wav = tone30s();
    await expect(analyzeAudio(wav, { maxDurationSec: 10 })).rejects.toThrow(/analysis limit is/);
    await expect(decodeAudio(text)).rejects.toThrow(/not decodable audio/);
  });

  it('refuses an hour-long file up front instead of decoding it', async () => {
    const path = join(FIXTURE_DIR, 'hour.wav');
    ffmpeg(['-f', 'lavfi', '-i', 'anullsrc=r=8000:cl=mono', '-t', '3660', '-c:a', 'pcm_u8', path]);
    await expect(analyzeAudio(path)).rejects.toThrow(/is 61 minutes long; the analysis limit is 20 minutes/);
  });

  it('says a file without an audio stream has none, from the header ffmpeg reads', async () => {
    const path = join(FIXTURE_DIR, 'silent-video.mp4');
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=64x64:duration=1', '-c:v', 'mpeg4', path]);
    await expect(analyzeAudio(path)).rejects.toMatchObject({ code: 'NO_AUDIO' });
  });

  it('stops when cancelled', async () => {
    const wav = tone30s();
    const ac = new AbortController();
    ac.abort();
    await expect(analyzeAudio(wav, { signal: ac.signal })).rejects.toThrow(/cancelled/);
  });

  it('decodes to mono float PCM at the asked rate', async () => {
    const path = join(FIXTURE_DIR, 'tone-stereo.flac');
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100:duration=2', '-ac', '2', path]);
    const pcm = await decodeAudio(path, { sampleRate: 8000 });
    expect(pcm).toBeInstanceOf(Float32Array);
    expect(pcm.length).toBeGreaterThan(15_900);
    expect(pcm.length).toBeLessThan(16_100);
    expect(Math.max(...pcm.subarray(0, 4000))).toBeGreaterThan(0.05);
  });
});
