/** The `Beatframe` interface, what the CLI, the API and the web app call, and the types of its calls. createBeatframe (beatframe-service.ts) implements it. */
import type {
  BeatframeConfig,
  Clip,
  Decision,
  EvaluationReport,
  Logger,
  Project,
  ProjectOptions,
  Shot,
  Song,
  StageName,
  StageStatus,
} from '@beatframe/core';
import type { Attention } from './attention.js';
import type { StepTime } from './step-clock.js';

/**
 * The service the CLI, the HTTP API and the web dashboard drive. One `Beatframe` per process:
 * it owns the database connection, publishes events, and can run a worker in-process.
 */

/** Where the song comes from. */
export type SongInput = { path: string } | { url: string } | { sunoId: string };

export interface CreateProjectInput {
  song: SongInput;
  /** A lyrics file (LRC or plain text) that overrides what the source has. */
  lyricsPath?: string;
  /** Shown in the title card; otherwise taken from the song's metadata. */
  title?: string;
  artist?: string;
  /** A name for the project list; defaults to the title or file name. */
  name?: string;
  /** Anything not given comes from config.defaults, then the schema defaults. */
  options?: Partial<ProjectOptions>;
  /** Hard cap for this project, USD (`--max-cost`). */
  maxCostUsd?: number;
  /**
   * Spend up to this amount without asking again (`--yes` passes Infinity). Without it, a project
   * whose estimate is above $0 pauses before generation, `awaitingApproval`, until approveCost().
   */
  approvedUsd?: number;
}

/** pending → submitting → generating → downloading → generated → accepted; or failed / paused. */
export type ShotStatus =
  | 'pending'
  | 'submitting'
  | 'generating'
  | 'downloading'
  | 'generated'
  | 'accepted'
  | 'failed'
  | 'paused';

export interface ShotView {
  id: string;
  index: number;
  sceneId: string;
  start: number;
  end: number;
  description: string;
  prompt: string;
  status: ShotStatus;
  /** 1-based; each attempt is one provider submission. */
  attempt: number;
  /** 0…1 while generating. */
  progress: number;
  costUsd: number;
  clip?: Clip;
  clipPath?: string;
  thumbnailPath?: string;
  providerJobId?: string;
  error?: string;
  shot: Shot;
}

export interface CostSummary {
  /** What the plan is expected to cost, USD: the first cut, and up to this with retakes and revisions. */
  estimateUsd: number;
  estimateMaxUsd?: number;
  /** While paused for approval: what the approval must reach to go on. */
  approvalNeededUsd?: number;
  /** Seconds of video bought from providers, and seconds of the song those clips fill. */
  boughtSec?: number;
  usedSec?: number;
  spentUsd: number;
  maxUsd?: number;
  approvedUsd?: number;
  byProvider: Record<string, number>;
  /** Today's spend across all projects, and the daily cap when one is configured. */
  todayUsd: number;
  dailyCapUsd?: number;
}

/** A keyframe of the storyboard. */
export interface StillView {
  shotId: string;
  index: number;
  prompt: string;
  /** The keyframe file, once made. */
  path?: string;
}

/** The storyboard a person approves before the video is paid for (projects that make keyframes). */
export interface StoryboardView {
  /** While paused for it: 'stills' (asked to buy the stills first), 'review' (the stills are there to approve). */
  phase?: 'stills' | 'review';
  stills: StillView[];
  /** What the estimate counts for the stills, and what was spent on them (re-rolls included). */
  stillsUsd: number;
  stillsSpentUsd: number;
  /** One re-roll. */
  rerollUsd: number;
  /** The video still to come: the first cut, and up to this with retakes and revisions. */
  videoUsd: number;
  videoMaxUsd: number;
  imageProvider: string;
}

export interface RerollResult {
  shotId: string;
  /** 2 for the first re-roll (take 1 is the first still). */
  take: number;
  seed: number;
  usd: number;
  path: string;
}

export interface ProjectDetail {
  project: Project;
  /** The stage the project is at (the next to run, or the one running). */
  currentStage: StageName;
  shots: ShotView[];
  costs: CostSummary;
  /** Paused before spending: approveCost() (or `beatframe resume ID --yes`) lets it go on. */
  awaitingApproval: boolean;
  /** Why the project is paused or failed, one line. */
  reason?: string;
  /** Paused until a person acts (a captcha, a sign-in, a changed site), with the provider's screenshot. */
  attention?: Attention;
  song?: Song;
  /** The keyframes and their cost, on projects that make them. */
  storyboard?: StoryboardView;
  evaluation?: EvaluationReport;
  /** Said out loud: "delivered, but the evaluation did not pass …", "crew fell back: …". */
  notices: string[];
  videoPath?: string;
  thumbnailPath?: string;
}

export interface CostEstimate {
  provider: string;
  model?: string;
  shots: number;
  seconds: number;
  usd: number;
  /** The first cut plus its bounded retakes and revision rounds: what an approval of the estimate covers. */
  upToUsd?: number;
  /** true when the shot list is known (after the prompt stage); otherwise a rough pre-plan figure. */
  exact: boolean;
  /** Of `usd`: the reference stills and keyframes, bought before the video. */
  stillsUsd?: number;
}

export type EstimateInput =
  | { projectId: string }
  | {
      provider: string;
      model?: string;
      durationSec: number;
      aspect?: ProjectOptions['aspect'];
      resolution?: ProjectOptions['resolution'];
    };

/** What subscribers receive. `id` orders events; the same ids are used by eventsSince() for replay. */
export type PipelineEvent = { id: number; projectId: string; at: string } & (
  | { type: 'project'; status: Project['status']; reason?: string }
  | {
      type: 'stage';
      stage: StageName;
      status: StageStatus;
      progress: number;
      label?: string;
      /** On 'done': where the stage's time went, per step its progress named (`make --profile`). */
      steps?: StepTime[];
    }
  | {
      type: 'shot';
      shotId: string;
      status: ShotStatus;
      attempt: number;
      progress?: number;
      error?: string;
    }
  | { type: 'cost'; spentUsd: number; estimateUsd: number; maxUsd?: number }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; stage?: StageName; message: string }
  | { type: 'done'; videoPath: string }
  | { type: 'failed'; error: string }
);
export type PipelineEventType = PipelineEvent['type'];

export interface WorkerOptions {
  /** Shot generations in flight in this worker at once (the provider's own limit applies too). */
  concurrency?: number;
  /** Pick up unfinished projects at start (default true). */
  recover?: boolean;
}

export interface RunningWorker {
  /** Stops taking jobs and waits (up to graceMs) for the ones in progress. */
  stop(opts?: { graceMs?: number }): Promise<void>;
}

export interface Beatframe {
  readonly config: BeatframeConfig;
  readonly dbKind: 'pglite' | 'postgres';
  readonly logger: Logger;

  /** Validates the input (song file exists, options valid) and queues the project. */
  createProject(input: CreateProjectInput): Promise<Project>;
  listProjects(filter?: { status?: Project['status'][] }): Promise<Project[]>;
  /** Throws InputError for an unknown id. */
  getProject(id: string): Promise<ProjectDetail>;
  /** Live events of one project, or of all ('*'). Returns the unsubscribe function. */
  subscribe(projectId: string | '*', listener: (event: PipelineEvent) => void): () => void;
  /** Stored events after `afterId` (for SSE reconnects with Last-Event-ID). */
  eventsSince(projectId: string | '*', afterId?: number, limit?: number): Promise<PipelineEvent[]>;
  /** The decision log, oldest first. */
  decisions(projectId: string): Promise<Decision[]>;
  estimateCost(input: EstimateInput): Promise<CostEstimate>;
  /** Lets a project that waits for approval spend up to `maxUsd` (default: its estimate) and go on. */
  approveCost(projectId: string, maxUsd?: number): Promise<void>;
  /** Generates the shot again (with a new prompt when given), then edits and renders again. */
  regenerateShot(projectId: string, shotId: string, prompt?: string): Promise<void>;
  /**
   * While the storyboard waits for approval: makes the shot's keyframe again (a new seed; with `prompt`, the
   * shot's new prompt), paying for one still.
   */
  rerollStill(projectId: string, shotId: string, prompt?: string): Promise<RerollResult>;
  /** The storyboard's keyframes tiled into one labelled JPEG (written now); its path. */
  contactSheet(projectId: string): Promise<string>;
  /** Uses a file a person supplies as the shot's clip, then edits and renders again. */
  replaceShotClip(projectId: string, shotId: string, filePath: string): Promise<void>;
  /**
   * A delivered preview becomes the final video: the same clips and cut rendered again by the project's
   * renderer at full size (then evaluated and delivered as usual). Refused unless the project is a done preview.
   */
  renderFinal(projectId: string): Promise<void>;
  /** Stops the project (cancelling provider jobs where the provider can); it ends `failed: cancelled`. */
  cancel(projectId: string): Promise<void>;
  /**
   * Queues a paused or failed project again (all unfinished ones when no id), optionally approving
   * spend. Returns the ids queued.
   */
  resume(projectId?: string, opts?: { approvedUsd?: number }): Promise<string[]>;
  /** Stops its jobs, then deletes the project, its rows and its files (not the delivered video). */
  deleteProject(projectId: string): Promise<void>;
  /** Marks a project this process stopped working on (Ctrl-C) as paused: `resume` goes on with it. */
  interrupt(projectId: string): Promise<void>;
  /** Local song files that stored projects still have to read (the API keeps these uploads). */
  songFilesInUse(): Promise<string[]>;
  /** Re-queues the jobs of every queued or running project (a worker does this when it starts). */
  recover(): Promise<string[]>;
  /** The final video, once delivered. */
  videoPath(projectId: string): Promise<string | undefined>;
  thumbnailPath(projectId: string): Promise<string | undefined>;
  /** Resolves when the project is done, failed or paused (or the signal aborts). */
  waitFor(projectId: string, opts?: { signal?: AbortSignal }): Promise<Project>;
  /** Runs a worker in this process. */
  startWorker(opts?: WorkerOptions): Promise<RunningWorker>;
  close(): Promise<void>;
}

export interface CreateBeatframeOptions {
  config: BeatframeConfig;
  logger?: Logger;
  /** The environment secrets are read from (default process.env). */
  env?: Record<string, string | undefined>;
}
