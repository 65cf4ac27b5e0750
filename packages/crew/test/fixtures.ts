import type { AudioAnalysis, PlanInput, SectionLabel, Song, VideoProvider } from '@beatframe/core';
import { ProjectOptions } from '@beatframe/core';

export interface SongShape {
  bpm: number;
  beatsPerBar?: number;
  sections: Array<{ label: SectionLabel; bars: number; energy: number; group?: string }>;
  /** Silence before the first beat, seconds. */
  leadIn?: number;
  /** Extra seconds after the last bar. */
  tail?: number;
  /** Shift section boundaries off the bar lines by this many seconds. */
  sectionJitter?: number;
  key?: string;
}

/** A hand-made analysis with exact beats, downbeats, sections and an energy curve that follows them. */
export function makeAnalysis(shape: SongShape): AudioAnalysis {
  const bpb = shape.beatsPerBar ?? 4;
  const beat = 60 / shape.bpm;
  const lead = shape.leadIn ?? 0;
  const beats: number[] = [];
  const downbeats: number[] = [];
  const sections: AudioAnalysis['sections'] = [];
  let t = lead;
  for (const [i, s] of shape.sections.entries()) {
    const start = t;
    for (let b = 0; b < s.bars * bpb; b++) {
      const bt = +(t + b * beat).toFixed(4);
      beats.push(bt);
      if (b % bpb === 0) downbeats.push(bt);
    }
    t += s.bars * bpb * beat;
    const jitter = i > 0 ? (shape.sectionJitter ?? 0) : 0;
    sections.push({
      start: i === 0 ? 0 : +(start + jitter).toFixed(4),
      end: +(t + (i < shape.sections.length - 1 ? (shape.sectionJitter ?? 0) : 0)).toFixed(4),
      label: s.label,
      energy: s.energy,
      ...(s.group ? { group: s.group } : {}),
    });
  }
  const duration = +(t + (shape.tail ?? 0)).toFixed(4);
  const last = sections[sections.length - 1];
  if (last) last.end = duration;
  const hop = 0.1;
  const values = Array.from({ length: Math.ceil(duration / hop) }, (_, i) => {
    const at = i * hop;
    const sec = sections.find((s) => at >= s.start && at < s.end);
    return sec ? sec.energy : 0;
  });
  return {
    version: 1,
    durationSec: duration,
    bpm: shape.bpm,
    tempoConfidence: 0.9,
    meter: { beatsPerBar: bpb, beatUnit: 4 },
    beats,
    downbeats,
    sections,
    energy: { hopSec: hop, values },
    ...(shape.key ? { key: shape.key } : {}),
  };
}

export const POP_SONG: SongShape = {
  bpm: 118,
  key: 'A minor',
  sections: [
    { label: 'intro', bars: 4, energy: 0.2, group: 'intro' },
    { label: 'verse', bars: 8, energy: 0.45, group: 'verse' },
    { label: 'pre-chorus', bars: 4, energy: 0.6, group: 'pre' },
    { label: 'chorus', bars: 8, energy: 0.85, group: 'chorus' },
    { label: 'verse', bars: 8, energy: 0.5, group: 'verse' },
    { label: 'chorus', bars: 8, energy: 0.9, group: 'chorus' },
    { label: 'bridge', bars: 4, energy: 0.35, group: 'bridge' },
    { label: 'chorus', bars: 8, energy: 1, group: 'chorus' },
    { label: 'outro', bars: 4, energy: 0.15, group: 'outro' },
  ],
};

export function makeSong(analysis: AudioAnalysis, over: Partial<Song> = {}): Song {
  return {
    title: 'Neon Tide',
    artist: 'beatframe demo',
    styleTags: ['synthwave', 'female vocals', 'dreamy'],
    lyrics: {
      timing: 'none',
      lines: [
        { text: 'Streetlights hum a silver tune' },
        { text: 'I drift along the edge of the moon' },
        { text: 'Neon tide, carry me home' },
        { text: "Light up the night, I'm not alone" },
        { text: 'Glass towers sleep in a violet haze' },
        { text: 'Neon tide, carry me home' },
      ],
    },
    audioPath: '/tmp/neon-tide.wav',
    durationSec: analysis.durationSec,
    source: { kind: 'file', path: '/tmp/neon-tide.wav' },
    ...over,
  };
}

export function makeProvider(
  caps: Partial<VideoProvider['capabilities']> = {},
): Pick<VideoProvider, 'name' | 'capabilities'> {
  return {
    name: 'test-provider',
    capabilities: {
      durations: [4, 8, 12],
      sizes: ['1280x720', '720x1280'],
      aspects: ['16:9', '9:16'],
      imageToVideo: false,
      remix: false,
      maxPromptChars: 500,
      models: ['test-model'],
      audio: false,
      usdFor: () => 0,
      concurrency: 2,
      rpm: 60,
      ...caps,
    },
  };
}

/** The options a project gets, with the schema's defaults for every field not named (new fields included). */
export const OPTIONS: ProjectOptions = ProjectOptions.parse({
  theme: 'a night drive through a city of light, searching for someone',
  provider: 'test-provider',
  crew: 'heuristic',
  renderer: 'ffmpeg',
  aspect: '16:9',
  resolution: '720p',
  fps: 30,
  maxRounds: 1,
  maxAttemptsPerShot: 2,
  captions: true,
  titleCard: true,
  visualizer: 'none',
  style: 'video',
});

export function planInput(
  shape: SongShape = POP_SONG,
  caps: Partial<VideoProvider['capabilities']> = {},
  over: { song?: Partial<Song>; options?: Partial<ProjectOptions> } = {},
): PlanInput {
  const analysis = makeAnalysis(shape);
  return {
    analysis,
    song: makeSong(analysis, over.song),
    options: { ...OPTIONS, ...over.options },
    provider: makeProvider(caps),
  };
}
