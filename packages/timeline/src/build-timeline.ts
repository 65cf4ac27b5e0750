/**
 * buildTimeline: song, analysis, storyboard and clips in, the frame-exact Timeline out. Over 400 lines because it is
 * one pass over the song's sections (slots on beats, in-points from the clips' motion, loops and slow motion,
 * transitions, beat effects, captions, cards, the cover backdrop) whose steps share the slot arithmetic.
 */
import { existsSync } from 'node:fs';
import {
  type AudioAnalysis,
  type BeatEffect,
  type Caption,
  type Clip,
  cutGrid,
  type DecisionSink,
  frameSize,
  InputError,
  type Logger,
  mapLimit,
  type ProjectOptions,
  type Section,
  type Shot,
  type Song,
  type Storyboard,
  type TextCard,
  Timeline,
  type TimelineItem,
  type Transition,
  type TransitionKind,
} from '@beatframe/core';
import { probeMedia } from '@beatframe/media';
import { accentOf } from './accent.js';
import { BACKDROP_LOOP_SEC, coverBackdrop } from './backdrop.js';
import { clipIssues } from './clip-issues.js';
import { decayFrames, EFFECT_TAIL } from './effects.js';
import { analyzeMotion, liveliestStart, type MotionProfile } from './motion.js';
import { checkTimeline } from './timeline-io.js';

export interface BuildTimelineInput {
  song: Song;
  analysis: AudioAnalysis;
  storyboard: Storyboard;
  /** The clips, matched to shots by `shotId`. */
  clips: Clip[];
  options: Pick<ProjectOptions, 'aspect' | 'resolution' | 'fps' | 'captions' | 'titleCard'> &
    Partial<ProjectOptions>;
}

export interface BuildTimelineContext {
  decisions?: DecisionSink;
  logger?: Logger;
  signal?: AbortSignal;
  /** A card naming each section as it starts (off by default). */
  sectionCards?: boolean;
  /** Measure each clip's motion to pick its liveliest part (on by default; off starts clips at 0). */
  motionAnalysis?: boolean;
  /** 0…1 with the step ("clips: 12/50" while each clip is probed, "motion", "cut"). */
  onProgress?: (fraction: number, label: string) => void;
}

interface Slot {
  startSec: number;
  sectionIndex: number;
}

const HIGH_ENERGY = 0.65;

/**
 * Builds the edit decision list: cuts on beats (section changes on downbeats), shot lengths from the
 * section's tempo and energy, the liveliest part of each clip, loops or slow motion where a clip is
 * shorter than its slot, transitions on section boundaries and hard cuts elsewhere, beat effects in
 * loud sections, a title card and timed lyric captions. Every choice goes to the decision sink.
 */
export async function buildTimeline(
  input: BuildTimelineInput,
  ctx: BuildTimelineContext = {},
): Promise<Timeline> {
  const { song, analysis, storyboard } = input;
  const lyric = input.options.style === 'lyric';
  const frame = songFrame(input);
  const { fps, width, height, totalFrames, duration } = frame;
  if (totalFrames < 2) throw new InputError(`song ${song.title} is too short to edit (${song.durationSec}s)`);
  const decide = async (summary: string, extra: { shotId?: string; output?: unknown } = {}) => {
    ctx.logger?.debug({ decision: summary }, 'edit decision');
    await ctx.decisions?.record({ stage: 'edit', role: 'editor', summary, ...extra });
  };
  const toFrame = (sec: number) => Math.max(0, Math.min(totalFrames, Math.round(sec * fps)));

  // The clips that can be used, by shot.
  const clipByShot = new Map<string, Clip>();
  for (const clip of input.clips) {
    if (!clip.shotId) continue;
    if (!existsSync(clip.path)) {
      await decide(`clip for shot ${clip.shotId} is missing (${clip.path}); another shot's clip stands in`, {
        shotId: clip.shotId,
      });
      continue;
    }
    clipByShot.set(clip.shotId, clip);
  }
  const usableShots = storyboard.shots.filter((s) => clipByShot.has(s.id));
  if (usableShots.length === 0) {
    throw new InputError(
      input.clips.length
        ? `none of the ${input.clips.length} clips exists on disk (first: ${input.clips[0]!.path})`
        : 'there are no clips to edit',
    );
  }
  for (const shot of storyboard.shots) {
    if (!clipByShot.has(shot.id) && !input.clips.some((c) => c.shotId === shot.id)) {
      await decide(`shot ${shot.id} has no clip; neighbouring shots fill its time`, { shotId: shot.id });
    }
  }

  // Clips that differ from the timeline's format are normalised by the renderers; say so once per clip.
  // Probed two at a time (ffprobe is mostly start-up), the decisions recorded in shot order.
  let probed = 0;
  const infos = await mapLimit(usableShots, 2, async (shot) => {
    const info = await probeMedia(clipByShot.get(shot.id)!.path, ctx.signal ? { signal: ctx.signal } : {});
    probed++;
    ctx.onProgress?.((0.5 * probed) / usableShots.length, `clips: ${probed}/${usableShots.length}`);
    return info;
  });
  for (const [k, shot] of usableShots.entries()) {
    const info = infos[k]!;
    const issues = clipIssues(info, { width, height, fps });
    if (!info.audio) issues.push('no audio track (fine: the song is the soundtrack)');
    if (issues.length) {
      await decide(
        `clip for shot ${shot.id}: ${issues.join(', ')}; normalised to ${width}x${height} ${fps} fps`,
        {
          shotId: shot.id,
          output: { issues },
        },
      );
    }
  }

  const grid = beatGrid(analysis, duration);
  const { beats, downbeats, beatSec, beatsPerBar, merged } = grid;
  await decide(`cut grid: ${grid.why}`, { output: { level: grid.level, points: beats.length } });

  // Cuts inside each section every N beats, N from energy and the section's role.
  const unit = grid.level === 'phrase' ? 'changes' : grid.level === 'shared' ? 'shared beats' : 'beats';
  const slots: Slot[] = [];
  for (let si = 0; si < merged.length; si++) {
    const { section, start, end } = merged[si]!;
    const shotBeats = beatsPerShot(section, beatSec, beatsPerBar);
    const shotSec = shotBeats * beatSec;
    const inSection = beats.filter((b) => b >= start - 1e-6 && b < end - 1e-6);
    const cuts: number[] = [start];
    if (inSection.length > shotBeats) {
      // Count beats from the section's first beat at or after its start.
      for (let k = shotBeats; k < inSection.length; k += shotBeats) cuts.push(inSection[k]!);
    } else if (inSection.length === 0) {
      for (let t = start + shotSec; t < end; t += shotSec) cuts.push(t);
    }
    while (cuts.length > 1 && end - cuts[cuts.length - 1]! < shotSec * 0.5) cuts.pop();
    for (const c of cuts) slots.push({ startSec: c, sectionIndex: si });
    await decide(
      `${section.label} ${fmt(start)}–${fmt(end)}s (energy ${section.energy.toFixed(2)}): a cut every ${shotBeats} ${unit} (${grid.level === 'phrase' ? '~' : ''}${fmt(shotSec)}s), ${cuts.length} shots`,
      { output: { section: section.label, shotBeats, shots: cuts.length } },
    );
  }

  // Frames of the cuts, strictly increasing, at least 6 frames apart.
  const cutFrames: number[] = [];
  const slotOf: Slot[] = [];
  for (const slot of slots) {
    const f = toFrame(slot.startSec);
    const prev = cutFrames[cutFrames.length - 1];
    if (prev !== undefined && (f - prev < 6 || totalFrames - f < 6)) continue;
    cutFrames.push(f);
    slotOf.push(slot);
  }
  cutFrames[0] = 0;

  // Transitions on section boundaries only.
  const transitions: Array<Transition | undefined> = cutFrames.map(() => undefined);
  let slideTurn = 0;
  for (let i = 1; i < cutFrames.length; i++) {
    const from = merged[slotOf[i - 1]!.sectionIndex]!.section;
    const to = merged[slotOf[i]!.sectionIndex]!.section;
    if (slotOf[i - 1]!.sectionIndex === slotOf[i]!.sectionIndex) continue;
    const kind = transitionFor(from, to);
    const wanted = Math.round(transitionBeats(kind) * beatSec * fps);
    const prevLen = cutFrames[i]! - cutFrames[i - 1]!;
    const nextLen = (cutFrames[i + 1] ?? totalFrames) - cutFrames[i]!;
    const limit = Math.floor(Math.min(prevLen, nextLen) / 2);
    const durationFrames = Math.max(0, Math.min(wanted, limit, fps));
    if (durationFrames < 2) continue;
    const direction =
      kind === 'slide' || kind === 'wipe' ? (['left', 'right', 'up'] as const)[slideTurn++ % 3] : undefined;
    transitions[i] = { kind, durationFrames, ...(direction ? { direction } : {}) };
    await decide(
      `${from.label} → ${to.label} at ${fmt(cutFrames[i]! / fps)}s: ${kind}${direction ? ` ${direction}` : ''} over ${durationFrames} frames`,
    );
  }

  // Motion profiles of the clips used, two at a time.
  const profiles = new Map<string, MotionProfile>();
  if (ctx.motionAnalysis !== false) {
    const paths = [...new Set(usableShots.map((s) => clipByShot.get(s.id)!.path))];
    let measured = 0;
    await mapLimit(paths, 2, async (p) => {
      profiles.set(p, await analyzeMotion(p, ctx.signal ? { signal: ctx.signal } : {}));
      ctx.onProgress?.(0.5 + (0.4 * ++measured) / paths.length, 'motion');
    });
  }
  ctx.onProgress?.(0.9, 'cut');

  // Items: shots assigned to slots, each slot's part of its clip chosen.
  const items: TimelineItem[] = [];
  const usedStarts = new Map<string, number[]>();
  let previousShot: Shot | undefined;
  for (let i = 0; i < cutFrames.length; i++) {
    const slot = slotOf[i]!;
    const sec = merged[slot.sectionIndex]!;
    const tIn = transitions[i]?.durationFrames ?? 0;
    const tOut = transitions[i + 1]?.durationFrames ?? 0;
    const startFrame = cutFrames[i]! - Math.floor(tIn / 2);
    const endFrame = i + 1 < cutFrames.length ? cutFrames[i + 1]! + Math.ceil(tOut / 2) : totalFrames;
    const durationFrames = endFrame - startFrame;
    const mid = (cutFrames[i]! + (cutFrames[i + 1] ?? totalFrames)) / 2 / fps;
    const shot = pickShot(usableShots, storyboard, sec, sec.section.index, mid, previousShot);
    previousShot = shot;
    const clip = clipByShot.get(shot.id)!;
    const windowSec = durationFrames / fps;
    let clipStartSec = 0;
    let playbackRate = 1;
    let loop = false;
    if (clip.durationSec >= windowSec) {
      const profile = profiles.get(clip.path);
      const avoid = usedStarts.get(clip.path) ?? [];
      // The clip's visual accents (flashes, hits) are lined up with the beats under the window.
      const from = startFrame / fps;
      const beatsInWindow = beats.filter((b) => b >= from && b < endFrame / fps).map((b) => b - from);
      clipStartSec = profile
        ? liveliestStart(profile, clip.durationSec, windowSec, { avoid, beats: beatsInWindow })
        : 0;
      usedStarts.set(clip.path, [...avoid, clipStartSec]);
    } else if (clip.durationSec >= windowSec * 0.7) {
      playbackRate = Math.floor((clip.durationSec / windowSec) * 1000) / 1000;
      await decide(
        `shot ${shot.id}: clip ${fmt(clip.durationSec)}s is shorter than its ${fmt(windowSec)}s slot; slowed to ${playbackRate}×`,
        { shotId: shot.id },
      );
    } else {
      loop = true;
      await decide(
        `shot ${shot.id}: clip ${fmt(clip.durationSec)}s is much shorter than its ${fmt(windowSec)}s slot; looped`,
        { shotId: shot.id },
      );
    }
    // Effects stay clear of transitions (and their decay ends before the next one starts).
    // No pulses on a guessed grid: the phrase level has no beat to pulse on.
    const effects =
      grid.level === 'phrase'
        ? []
        : beatEffects(sec.section, beats, downbeats, fps, startFrame + tIn, endFrame - tOut);
    items.push({
      id: `item-${String(i + 1).padStart(3, '0')}`,
      shotId: shot.id,
      src: clip.path,
      startFrame,
      durationFrames,
      clipStartSec,
      clipDurationSec: clip.durationSec,
      playbackRate,
      loop,
      ...(transitions[i] ? { transitionIn: transitions[i] } : {}),
      effects,
    });
  }
  const pulsed = items.filter((it) => it.effects.length).length;
  if (pulsed)
    await decide(`beat effects (zoom pulse, flash on downbeats) on ${pulsed} shots in loud sections`);

  // A lyric video stands on the song's cover art when it has one: one slowly drifting shot, no cuts.
  if (lyric && song.coverImagePath && existsSync(song.coverImagePath)) {
    const src = await coverBackdrop(song.coverImagePath, {
      width,
      height,
      fps,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    items.splice(0, items.length, {
      id: 'item-001',
      src,
      startFrame: 0,
      durationFrames: totalFrames,
      clipStartSec: 0,
      clipDurationSec: BACKDROP_LOOP_SEC,
      playbackRate: 1,
      loop: true,
      effects: [],
    });
    await decide('lyric video: the cover art is the backdrop (one drifting shot, dimmed for the lyrics)');
  } else if (lyric) {
    await decide(
      `lyric video: ${song.coverImagePath ? 'the cover art is missing on disk' : 'the song has no cover art'}; the generated scenes are the backdrop`,
    );
  }

  const { cards, captions, style } = await textLayers(input, frame, grid, ctx.sectionCards === true, decide);
  const accent = style.accent;
  const { visualizer } = frame;
  if (visualizer)
    await decide(
      `${visualizer} visualizer over the shots, drawn from the song in the style's accent ${accent}`,
    );
  const timeline = Timeline.parse({
    ...frame.head,
    items,
    cards,
    captions,
    beatFrames: [...new Set(beats.map(toFrame))].filter((f) => f < totalFrames),
    ...(visualizer ? { visualizer: { kind: visualizer, color: accent } } : {}),
    style,
  });
  checkTimeline(timeline);
  return timeline;
}

/** A lyric video always has its title card, its lyrics and a visualizer (bars unless one was chosen). */
function effectiveOptions(options: BuildTimelineInput['options']): BuildTimelineInput['options'] {
  if (options.style !== 'lyric') return options;
  return {
    ...options,
    titleCard: true,
    captions: true,
    visualizer: options.visualizer && options.visualizer !== 'none' ? options.visualizer : 'bars',
  };
}

type SectionSpan = { section: Section & { index: number }; start: number; end: number };

/** Section boundaries on downbeats when one is near, else on a beat; sections closer than 1 s merged. */
function sectionSpans(
  sections: Array<Section & { index: number }>,
  beats: number[],
  downbeats: number[],
  beatSec: number,
  beatsPerBar: number,
  duration: number,
): SectionSpan[] {
  const bounds: number[] = [0];
  for (let i = 1; i < sections.length; i++) {
    const t = sections[i]!.start;
    const snapped =
      nearest(downbeats, t, beatSec * beatsPerBar * 0.6) ?? nearest(beats, t, beatSec * 0.6) ?? t;
    if (snapped - bounds[bounds.length - 1]! >= 1 && duration - snapped >= 1) bounds.push(snapped);
    else bounds.push(Number.NaN); // merged into the previous section
  }
  const merged: SectionSpan[] = [];
  for (let i = 0; i < sections.length; i++) {
    const start = bounds[i]!;
    if (Number.isNaN(start)) continue;
    merged.push({ section: sections[i]!, start, end: duration });
    if (merged.length > 1) merged[merged.length - 2]!.end = start;
  }
  return merged;
}

/**
 * The timeline's text, which depends on the song, its analysis and the storyboard but on no clip: the title
 * card over the opening, optional section cards, the timed lyric captions, and the style they are drawn in.
 */
async function textLayers(
  input: { song: Song; storyboard: Storyboard },
  { options, fps, totalFrames, duration }: SongFrame,
  { downbeats, merged }: BeatGrid,
  sectionCards: boolean,
  decide: (summary: string) => Promise<void>,
): Promise<{ cards: TextCard[]; captions: Caption[]; style: Timeline['style'] }> {
  const { song } = input;
  const toFrame = (sec: number) => Math.max(0, Math.min(totalFrames, Math.round(sec * fps)));
  const cards: TextCard[] = [];
  if (options.titleCard && song.title.trim()) {
    const end = nearest(downbeats, 3.5, 1.5) ?? Math.min(3.5, duration);
    const endFrame = Math.min(
      totalFrames,
      Math.max(toFrame(Math.min(end, 5)), Math.min(totalFrames, 2 * fps)),
    );
    cards.push({
      kind: 'title',
      text: song.title.trim(),
      ...(song.artist ? { subtitle: song.artist } : {}),
      startFrame: 0,
      endFrame,
    });
    await decide(
      `title card "${song.title.trim()}"${song.artist ? ` by ${song.artist}` : ''} for ${fmt(endFrame / fps)}s`,
    );
  }
  if (sectionCards) {
    for (const m of merged.slice(1)) {
      const s = toFrame(m.start);
      cards.push({
        kind: 'section',
        text: m.section.label.replace(/^\w/, (c) => c.toUpperCase()),
        startFrame: s,
        endFrame: Math.min(toFrame(m.end), s + Math.round(1.5 * fps)),
      });
    }
  }
  const captions = options.captions ? await captionsOf(song, fps, totalFrames, decide) : [];
  const style: Timeline['style'] = {
    fontFamily: 'DejaVu Sans',
    accent: accentOf(input.storyboard.styleBible.palette),
    captionColor: '#ffffff',
    ...(options.style === 'lyric' ? { captionLayout: 'lyric' as const } : {}),
  };
  return { cards, captions, style };
}

/**
 * The timeline as far as it is known before any clip exists: its size, length, cards, captions and style
 * (those of the timeline buildTimeline will make from the same input), and no items. Renderers draw its
 * text ahead (`Renderer.prepare`) while the clips are still being made.
 */
export async function draftTimeline(
  input: Omit<BuildTimelineInput, 'clips'>,
  ctx: Pick<BuildTimelineContext, 'sectionCards'> = {},
): Promise<Timeline> {
  const frame = songFrame(input);
  const { visualizer } = frame;
  const grid = beatGrid(input.analysis, frame.duration);
  const text = await textLayers(input, frame, grid, ctx.sectionCards === true, async () => {});
  return {
    ...frame.head,
    items: [],
    ...text,
    beatFrames: [],
    ...(visualizer ? { visualizer: { kind: visualizer, color: text.style.accent } } : {}),
  } as Timeline;
}

/**
 * What the draft and the full timeline read off the song and the options: frame rate, size and length, the
 * timeline's head (those and the song), and the visualizer asked for.
 */
function songFrame(input: Pick<BuildTimelineInput, 'song' | 'options'>) {
  const { song } = input;
  const options = effectiveOptions(input.options);
  const fps = options.fps;
  const { width, height } = frameSize(options.aspect, options.resolution);
  const totalFrames = Math.round(song.durationSec * fps);
  const head = {
    version: 1 as const,
    fps,
    width,
    height,
    durationFrames: totalFrames,
    audio: { src: song.audioPath, durationSec: song.durationSec },
  };
  const visualizer = options.visualizer && options.visualizer !== 'none' ? options.visualizer : undefined;
  return { options, fps, width, height, totalFrames, duration: totalFrames / fps, head, visualizer };
}
type SongFrame = ReturnType<typeof songFrame>;

/** The beats and downbeats inside the song's length, and its sections merged and snapped to them. */
function beatGrid(analysis: AudioAnalysis, duration: number) {
  // The level the edit cuts on follows the analysis' confidence: its beats, the points its two readings
  // share, or the music's changes when there is no steady beat (see cutGrid).
  const cut = cutGrid(analysis);
  const beats = cut.points.filter((b) => b > 0 && b < duration);
  const downbeats = cut.bars.filter((b) => b > 0 && b < duration);
  const beatSec = cut.pointSec;
  const beatsPerBar = cut.pointsPerBar;
  const merged = sectionSpans(
    sectionsOf(analysis, duration),
    beats,
    downbeats,
    beatSec,
    beatsPerBar,
    duration,
  );
  return { beats, downbeats, beatSec, beatsPerBar, merged, level: cut.level, why: cut.why };
}
type BeatGrid = ReturnType<typeof beatGrid>;

/** The song's sections in order, each with its index in the analysis (scenes refer to that index). */
function sectionsOf(analysis: AudioAnalysis, duration: number): Array<Section & { index: number }> {
  const s = analysis.sections
    .map((x, index) => ({ ...x, index }))
    .filter((x) => x.end > x.start && x.start < duration)
    .sort((a, b) => a.start - b.start);
  if (s.length === 0) return [{ start: 0, end: duration, label: 'verse', energy: 0.5, index: 0 }];
  return s.map((x, i) => (i === 0 ? { ...x, start: 0 } : x));
}

function nearest(list: number[], t: number, within: number): number | undefined {
  let best: number | undefined;
  for (const x of list)
    if (Math.abs(x - t) <= within && (best === undefined || Math.abs(x - t) < Math.abs(best - t))) best = x;
  return best;
}

/** Shorter shots in loud sections and choruses, longer in intros, outros and quiet parts. */
export function beatsPerShot(
  section: Pick<Section, 'label' | 'energy'>,
  beatSec: number,
  beatsPerBar: number,
): number {
  let bars = section.energy >= 0.75 ? 1 : section.energy >= 0.5 ? 2 : 4;
  if (section.label === 'chorus') bars = Math.min(bars, 2);
  if (['intro', 'outro', 'bridge', 'breakdown', 'silence'].includes(section.label)) bars = Math.max(bars, 2);
  let beats = bars * beatsPerBar;
  // Keep shots between about 1.2 and 6 seconds whatever the tempo.
  while (beats * beatSec < 1.2) beats *= 2;
  while (beats > 1 && beats * beatSec > 6) beats = Math.max(1, Math.round(beats / 2));
  return beats;
}

/** The transition into a section, from what changes in the music. */
export function transitionFor(from: Section, to: Section): Exclude<TransitionKind, 'cut'> {
  if (to.label === 'chorus' || to.energy - from.energy >= 0.25) return to.energy >= 0.6 ? 'flash' : 'zoom';
  if (to.label === 'outro' || from.energy - to.energy >= 0.25) return 'fade';
  if (to.label === 'bridge' || to.label === 'breakdown') return 'wipe';
  if (to.label === 'solo' || to.label === 'instrumental') return 'zoom';
  return 'slide';
}

function transitionBeats(kind: TransitionKind): number {
  if (kind === 'flash') return 0.5;
  if (kind === 'fade') return 2;
  return 1;
}

function pickShot(
  shots: Shot[],
  storyboard: Storyboard,
  sec: { section: Section; start: number; end: number },
  sectionIndex: number,
  midSec: number,
  previous: Shot | undefined,
): Shot {
  const sceneIds = new Set(storyboard.scenes.filter((s) => s.sectionIndex === sectionIndex).map((s) => s.id));
  const inSection = shots.filter((s) => sceneIds.has(s.sceneId) || (s.start < sec.end && s.end > sec.start));
  const pool = inSection.length ? inSection : shots;
  const containing = pool.find((s) => s.start <= midSec && midSec < s.end);
  if (containing && (containing !== previous || pool.length === 1)) return containing;
  // Otherwise the next shot of the pool after the previous one (so repeats alternate), else the nearest.
  const prevIdx = previous ? pool.indexOf(previous) : -1;
  if (prevIdx >= 0 && pool.length > 1) return pool[(prevIdx + 1) % pool.length]!;
  return pool.reduce((a, b) =>
    Math.abs((a.start + a.end) / 2 - midSec) <= Math.abs((b.start + b.end) / 2 - midSec) ? a : b,
  );
}

function beatEffects(
  section: Section,
  beats: number[],
  downbeats: number[],
  fps: number,
  startFrame: number,
  endFrame: number,
): BeatEffect[] {
  if (section.energy < HIGH_ENERGY && section.label !== 'chorus') return [];
  const inside = (list: number[], kind: BeatEffect['kind']) => {
    const tail = Math.ceil(decayFrames(kind, fps) * EFFECT_TAIL);
    return [...new Set(list.map((b) => Math.round(b * fps)))].filter(
      (f) => f >= startFrame && f + tail < endFrame,
    );
  };
  const effects: BeatEffect[] = [];
  const pulses = inside(beats, 'zoomPulse');
  if (pulses.length)
    effects.push({ kind: 'zoomPulse', frames: pulses, strength: Math.min(1, 0.4 + section.energy / 2) });
  const flashes = section.energy >= 0.8 ? inside(downbeats, 'flash') : [];
  if (flashes.length) effects.push({ kind: 'flash', frames: flashes, strength: 0.35 });
  return effects;
}

async function captionsOf(
  song: Song,
  fps: number,
  totalFrames: number,
  decide: (summary: string) => Promise<void>,
): Promise<Caption[]> {
  const lyrics = song.lyrics;
  if (!lyrics || lyrics.lines.length === 0) return [];
  const timed = lyrics.lines.filter((l) => l.start !== undefined && l.text.trim());
  if (lyrics.timing === 'none' || timed.length === 0) {
    await decide('lyrics have no timing; no captions (analysis can align them)');
    return [];
  }
  const f = (s: number) => Math.max(0, Math.min(totalFrames, Math.round(s * fps)));
  const captions: Caption[] = [];
  for (let i = 0; i < timed.length; i++) {
    const line = timed[i]!;
    const next = timed[i + 1];
    const startFrame = f(line.start!);
    let endFrame = f(line.end ?? next?.start ?? line.start! + 4);
    if (next?.start !== undefined) endFrame = Math.min(endFrame, f(next.start));
    if (endFrame <= startFrame || startFrame >= totalFrames) continue;
    const words = line.words
      ?.map((w) => ({ text: w.text, startFrame: f(w.start), endFrame: Math.min(f(w.end), endFrame) }))
      .filter((w) => w.text.trim() && w.endFrame > w.startFrame);
    captions.push({ text: line.text.trim(), startFrame, endFrame, ...(words?.length ? { words } : {}) });
  }
  const withWords = captions.filter((c) => c.words).length;
  await decide(
    `${captions.length} lyric captions${withWords ? `, ${withWords} with the sung word highlighted` : ''}`,
  );
  return captions;
}

function fmt(n: number): string {
  return (Math.round(n * 100) / 100).toString();
}
