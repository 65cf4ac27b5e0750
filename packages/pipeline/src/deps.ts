import type {
  AudioAnalysis,
  BeatframeConfig,
  Clip,
  Crew,
  CrewMode,
  DecisionSink,
  EvaluationReport,
  ImageProvider,
  Logger,
  PluginContext,
  ProjectOptions,
  Renderer,
  Song,
  SongSource,
  Storyboard,
  Timeline,
  VideoProvider,
} from '@beatframe/core';

/** What the ingest stage is given (stored on the project row). */
export interface IngestInput {
  source: SongSource;
  lyricsPath?: string;
  title?: string;
  artist?: string;
}

/**
 * The stage implementations the engine calls. The real packages are the defaults (see
 * defaultDeps.ts); tests inject small ones, so the engine is tested on its own.
 */
export interface StageDeps {
  /**
   * Checks a song file before a project is created for it (readable, audio, not truncated), so bad
   * input is refused at once and leaves no project behind. Throws InputError.
   */
  validateSong?(path: string, opts?: { maxDurationSec?: number }): Promise<void>;
  ingest(
    input: IngestInput,
    opts: { destDir: string; signal: AbortSignal; logger: Logger; config: BeatframeConfig },
  ): Promise<Song>;
  analyze(
    song: Song,
    opts: {
      signal: AbortSignal;
      logger: Logger;
      onProgress: (fraction: number) => void;
      decisions?: DecisionSink;
      /** The tempo the user gave (`ProjectOptions.bpm`). */
      bpm?: number;
    },
  ): Promise<AudioAnalysis>;
  crew(
    mode: CrewMode,
    opts: { logger: Logger; env: Record<string, string | undefined>; config: BeatframeConfig },
  ): Promise<Crew>;
  provider(name: string, config: BeatframeConfig): Promise<VideoProvider>;
  /** The image model of plugin `name`, or undefined when that plugin has none (then no keyframes are made). */
  imageProvider?(
    name: string,
    config: BeatframeConfig,
    /** `byDefault`: asked for the video plugin's own, not named by the user (some plugins' only on request). */
    opts?: { byDefault?: boolean },
  ): Promise<ImageProvider | undefined>;
  /** Every provider this install has, for the per-provider concurrency limits of a worker. */
  listProviders?(config: BeatframeConfig): Promise<Array<Pick<VideoProvider, 'name' | 'capabilities'>>>;
  renderer(name: string, config: BeatframeConfig): Promise<Renderer>;
  buildTimeline(
    input: {
      song: Song;
      analysis: AudioAnalysis;
      storyboard: Storyboard;
      clips: Clip[];
      options: ProjectOptions;
    },
    ctx: PluginContext & { onProgress?: (fraction: number, label: string) => void },
  ): Promise<Timeline>;
  /**
   * The timeline as far as it is known before any clip (size, length, cards, captions, style; no items), for the
   * renderer's pre-work (`Renderer.prepare`) while the clips are made. Without it there is no pre-work.
   */
  draftTimeline?(input: {
    song: Song;
    analysis: AudioAnalysis;
    storyboard: Storyboard;
    options: ProjectOptions;
  }): Promise<Timeline>;
  /**
   * Measures, once a clip is made, what the edit will need of it (its motion), while later clips are still
   * being made: the edit of a 3-minute song otherwise decodes ~50 clips in a row before it can cut.
   */
  prepareClip?(path: string, ctx: PluginContext): Promise<void>;
  evaluate(
    input: {
      videoPath: string;
      songPath: string;
      analysis: AudioAnalysis;
      timeline: Timeline;
      storyboard?: Storyboard;
      song?: Song;
      outDir?: string;
      round?: number;
      onProgress?: (fraction: number, label: string) => void;
      /** `false`: no frame leaves the machine (the offline crew was chosen), whatever keys are set. */
      vision?: false;
    },
    ctx: PluginContext,
  ): Promise<EvaluationReport>;
}
