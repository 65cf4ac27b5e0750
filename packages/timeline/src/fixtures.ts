import type { AudioAnalysis, Clip, Section, Song, Storyboard } from '@beatframe/core';
import { runFfmpeg } from '@beatframe/media';
import { makeTestClip } from '@beatframe/media/testing';

/**
 * Synthetic material for tests and benchmarks (here and in the renderer plugins): clips from ffmpeg's
 * test sources (`makeTestClip`, from `@beatframe/media/testing`), a click-and-tone song on a steady tempo, and the
 * analysis and storyboard that go with it.
 */
export { makeTestClip, type TestClipOptions } from '@beatframe/media/testing';

/** A song: a kick-like click on every beat over a chord, louder in the choruses. WAV at 44.1 kHz stereo. */
export async function makeTestSong(path: string, durationSec: number, bpm = 120): Promise<void> {
  const beat = 60 / bpm;
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    `aevalsrc='0.5*sin(2*PI*60*t)*exp(-18*mod(t\\,${beat}))+0.12*sin(2*PI*220*t)+0.08*sin(2*PI*277*t)':s=44100:d=${durationSec}`,
    '-ac',
    '2',
    '-c:a',
    'pcm_s16le',
    path,
  ]);
}

/** Beats on a steady grid, downbeats every bar, and sections of `sectionSec` alternating verse/chorus. */
export function syntheticAnalysis(durationSec: number, bpm = 120, sectionSec = 8): AudioAnalysis {
  const beat = 60 / bpm;
  const beats: number[] = [];
  for (let t = 0; t < durationSec - 1e-9; t += beat) beats.push(Math.round(t * 1000) / 1000);
  const downbeats = beats.filter((_, i) => i % 4 === 0);
  const labels: Section['label'][] = [
    'intro',
    'verse',
    'chorus',
    'verse',
    'chorus',
    'bridge',
    'chorus',
    'outro',
  ];
  const sections: Section[] = [];
  for (let s = 0, i = 0; s < durationSec - 1e-9; s += sectionSec, i++) {
    const label = labels[Math.min(i, labels.length - 1)]!;
    const last = s + sectionSec >= durationSec - 1e-9;
    const l = last && i > 0 ? 'outro' : label;
    sections.push({
      start: s,
      end: Math.min(durationSec, s + sectionSec),
      label: l,
      energy: l === 'chorus' ? 0.9 : l === 'intro' || l === 'outro' ? 0.3 : 0.55,
    });
  }
  return {
    version: 1,
    durationSec,
    bpm,
    tempoConfidence: 0.9,
    meter: { beatsPerBar: 4, beatUnit: 4 },
    beats,
    downbeats,
    sections,
    energy: { hopSec: 1, values: sections.flatMap((s) => Array(Math.ceil(s.end - s.start)).fill(s.energy)) },
  };
}

/** One scene per section and one shot per clip, spread evenly over the song. */
export function syntheticStoryboard(analysis: AudioAnalysis, shotCount: number): Storyboard {
  const d = analysis.durationSec;
  return {
    brief: { title: 'test', concept: 'test pattern', arc: 'none', mood: 'neutral' },
    styleBible: {
      look: 'test',
      palette: ['#33ccff'],
      characters: [],
      places: [],
      lens: '35mm',
      camera: 'static',
      motifs: [],
      avoid: [],
    },
    scenes: analysis.sections.map((s, i) => ({
      id: `scene-${i}`,
      sectionIndex: i,
      label: s.label,
      start: s.start,
      end: s.end,
      description: s.label,
      mood: 'neutral',
      energy: s.energy,
    })),
    shots: Array.from({ length: shotCount }, (_, i) => {
      const start = (d * i) / shotCount;
      const end = (d * (i + 1)) / shotCount;
      const sectionIndex = Math.max(
        0,
        analysis.sections.findIndex((s) => s.start <= start + 1e-9 && start < s.end),
      );
      return {
        id: `shot-${i + 1}`,
        sceneId: `scene-${sectionIndex}`,
        index: i,
        start,
        end,
        description: `shot ${i + 1}`,
        mood: 'neutral',
        energy: analysis.sections[sectionIndex]?.energy ?? 0.5,
      };
    }),
  };
}

export function syntheticSong(audioPath: string, durationSec: number, lyrics?: Song['lyrics']): Song {
  return {
    title: 'Test Pattern',
    artist: 'The Oscillators',
    styleTags: [],
    audioPath,
    durationSec,
    source: { kind: 'file', path: audioPath },
    ...(lyrics ? { lyrics } : {}),
  };
}

export interface TestProject {
  song: Song;
  analysis: AudioAnalysis;
  storyboard: Storyboard;
  clips: Clip[];
}

/**
 * A small project on disk: a song of `durationSec` at `bpm`, sections every `sectionSec`, and `clipCount`
 * clips of `clipSec` at `width`×`height` (cheap to make and decode), with word-timed lyrics.
 */
export async function makeTestProject(
  dir: string,
  o: {
    durationSec: number;
    clipCount: number;
    clipSec?: number;
    bpm?: number;
    sectionSec?: number;
    width?: number;
    height?: number;
    fps?: number;
  },
): Promise<TestProject> {
  const bpm = o.bpm ?? 120;
  const audioPath = `${dir}/song.wav`;
  await makeTestSong(audioPath, o.durationSec, bpm);
  const analysis = syntheticAnalysis(o.durationSec, bpm, o.sectionSec ?? 4);
  const storyboard = syntheticStoryboard(analysis, o.clipCount);
  const patterns = ['testsrc2', 'mandelbrot', 'life', 'testsrc2'];
  const clips: Clip[] = [];
  for (let i = 0; i < o.clipCount; i++) {
    const clip = await makeTestClip(`${dir}/clip-${i + 1}.mp4`, {
      width: o.width ?? 320,
      height: o.height ?? 180,
      fps: o.fps ?? 30,
      durationSec: o.clipSec ?? 5,
      pattern: patterns[i % patterns.length]!,
      hue: (i * 70) % 360,
    });
    clips.push({ ...clip, shotId: storyboard.shots[i]!.id });
  }
  const lines = [];
  for (let t = 1; t + 2 <= o.durationSec; t += 3) {
    const words = ['light', 'on', 'the', 'beat'].map((w, k) => ({
      text: w,
      start: t + k * 0.5,
      end: t + (k + 1) * 0.5,
    }));
    lines.push({ text: words.map((w) => w.text).join(' '), start: t, end: t + 2, words });
  }
  const song = syntheticSong(audioPath, o.durationSec, { timing: 'word', lines });
  return { song, analysis, storyboard, clips };
}
