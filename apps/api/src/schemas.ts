import {
  Aspect,
  CrewMode,
  Decision,
  EvaluationIssue,
  GIVEN_BPM_RANGE,
  Project,
  ProjectStatus,
  Resolution,
  StageName,
  VideoStyle,
  VisualizerKind,
} from '@beatframe/core';
import { LIMITS } from '@beatframe/pipeline';
import { z } from '@hono/zod-openapi';

/**
 * The shapes the API speaks, as zod schemas: requests are validated with them and the OpenAPI
 * document is generated from them. Server file paths never leave the API; files are URLs.
 */

export const ApiError = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});

/** Form fields arrive as strings; JSON as numbers or booleans. Both are accepted; every number is bounded. */
const numeric = (v: unknown) =>
  v === '' || v === undefined ? undefined : typeof v === 'string' ? Number(v) : v;
const usd = z.preprocess(numeric, z.number().min(0).max(LIMITS.maxUsd).optional());
const rounds = z.preprocess(numeric, z.number().int().min(0).max(LIMITS.maxRounds).optional());
/** The song's tempo as a listener taps it (the beats are tracked at it). */
const songBpm = z.preprocess(numeric, z.number().min(GIVEN_BPM_RANGE[0]).max(GIVEN_BPM_RANGE[1]).optional());
const bool = z.preprocess(
  (v) => (v === 'true' || v === 'on' || v === '1' ? true : v === 'false' || v === '0' ? false : v),
  z.boolean().optional(),
);
// A NUL byte, or half of a UTF-16 surrogate pair.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what is refused
const BROKEN_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text a person typed: bounded, well-formed Unicode without NUL (the database refuses both, and they
 * used to surface as a 500 with the query in the log).
 */
export const safeText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !BROKEN_TEXT.test(s), 'text with a NUL byte or broken Unicode');
const text = z.preprocess((v) => (v === '' ? undefined : v), safeText(4000).optional());
/** A plugin name as the registry spells them: never a path. */
const pluginName = z.preprocess(
  (v) => (v === '' ? undefined : v),
  z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9][\w.-]*$/, 'a name like "local" or "ffmpeg" (see GET /api/options)')
    .optional(),
);
/** A model id: printable, short; the provider's catalogue decides whether it exists. */
const modelName = z.preprocess(
  (v) => (v === '' ? undefined : v),
  z
    .string()
    .max(128)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    .regex(/^[^\u0000-\u001f\u007f]+$/, 'printable characters only')
    .optional(),
);

/** Options a new project can be given (multipart fields or JSON properties of the same names). */
export const CreateProjectFields = z.object({
  theme: text,
  provider: pluginName,
  model: modelName,
  crew: z.preprocess((v) => (v === '' ? undefined : v), CrewMode.optional()),
  renderer: pluginName,
  aspect: z.preprocess((v) => (v === '' ? undefined : v), Aspect.optional()),
  resolution: z.preprocess((v) => (v === '' ? undefined : v), Resolution.optional()),
  maxRounds: rounds,
  captions: bool,
  titleCard: bool,
  /** The audio-reactive layer over the shots. */
  visualizer: z.preprocess((v) => (v === '' ? undefined : v), VisualizerKind.optional()),
  /** 'lyric': the cover art (or a generated scene) behind large word-timed lyrics, the visualizer, the title. */
  style: z.preprocess((v) => (v === '' ? undefined : v), VideoStyle.optional()),
  /** A quick half-size render by the fastest renderer first; the final render on request. */
  preview: bool,
  /** The song's tempo when the musician knows it (30–300 BPM): the beats are tracked at it. */
  bpm: songBpm,
  title: text,
  artist: text,
  name: text,
  /** Hard cap for this project, USD. */
  maxCostUsd: usd,
  /** Spend up to this much without pausing for approval (what the person agreed to after the estimate). */
  approvedUsd: usd,
  /** The lyrics as text (LRC with timestamps, or plain lines), overriding what the source has. */
  lyrics: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .max(64 * 1024)
      .optional(),
  ),
});
export type CreateProjectFields = z.infer<typeof CreateProjectFields>;

/** Suno's song id (a UUID) or its song page; never a path: local files are uploaded as `audio`. */
const SUNO_REF =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|https?:\/\/(?:www\.|app\.)?suno\.(?:com|ai)\/song\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/?(?:[?#]\S*)?)$/i;

export const CreateProjectJson = CreateProjectFields.extend({
  url: z
    .string()
    .max(2048)
    .url()
    .refine((u) => /^https?:\/\//i.test(u), 'only http(s) URLs')
    .optional(),
  sunoId: z
    .string()
    .max(200)
    .transform((v) => v.trim())
    .refine((v) => SUNO_REF.test(v), 'a Suno song id (UUID) or a https://suno.com/song/<id> link')
    .optional(),
});

export const CreateProjectMultipart = CreateProjectFields.extend({
  audio: z
    .string()
    .openapi({ type: 'string', format: 'binary', description: 'the song (any audio ffmpeg reads)' }),
});

export const ProjectJson = Project.extend({
  videoUrl: z.string().optional(),
  thumbnailUrl: z.string().optional(),
});

export const ShotJson = z.object({
  id: z.string(),
  index: z.number(),
  sceneId: z.string(),
  start: z.number(),
  end: z.number(),
  description: z.string(),
  prompt: z.string(),
  status: z.string(),
  attempt: z.number(),
  progress: z.number(),
  costUsd: z.number(),
  error: z.string().optional(),
  thumbnailUrl: z.string().optional(),
  clipUrl: z.string().optional(),
});

export const CostsJson = z.object({
  estimateUsd: z.number(),
  spentUsd: z.number(),
  maxUsd: z.number().optional(),
  approvedUsd: z.number().optional(),
  /** The estimate's upper bound with retakes and revisions. */
  estimateMaxUsd: z.number().optional(),
  /** While awaiting approval: what the approval must reach to go on. */
  approvalNeededUsd: z.number().optional(),
  /** Seconds of video bought, and seconds of the song they fill. */
  boughtSec: z.number().optional(),
  usedSec: z.number().optional(),
  byProvider: z.record(z.string(), z.number()),
  todayUsd: z.number(),
  dailyCapUsd: z.number().optional(),
});

export const EvaluationJson = z.object({
  score: z.number(),
  passed: z.boolean(),
  summary: z.string(),
  components: z.record(z.string(), z.number()).optional(),
  metrics: z.record(z.string(), z.number()).optional(),
  issues: z.array(EvaluationIssue),
  round: z.number().optional(),
  plotUrl: z.string().optional(),
});

/** The storyboard a person approves on, before the video is paid for (projects that make keyframes). */
export const StoryboardJson = z.object({
  /** While paused for it: 'stills' (the stills are asked for first), 'review' (the stills are there to approve). */
  phase: z.enum(['stills', 'review']).optional(),
  stills: z.array(
    z.object({
      shotId: z.string(),
      index: z.number(),
      prompt: z.string(),
      stillUrl: z.string().optional(),
    }),
  ),
  stillsUsd: z.number(),
  stillsSpentUsd: z.number(),
  rerollUsd: z.number(),
  videoUsd: z.number(),
  videoMaxUsd: z.number(),
  imageProvider: z.string(),
  /** The stills tiled and numbered in one JPEG. */
  sheetUrl: z.string().optional(),
});

export const ProjectDetailJson = ProjectJson.extend({
  currentStage: StageName,
  awaitingApproval: z.boolean(),
  reason: z.string().optional(),
  /** Paused until a person acts (a captcha, a sign-in, a changed site); the provider's screenshot by URL. */
  attention: z
    .object({ reason: z.string(), screenshotUrl: z.string().optional(), shotId: z.string().optional() })
    .optional(),
  costs: CostsJson,
  song: z
    .object({
      title: z.string(),
      artist: z.string().optional(),
      durationSec: z.number(),
      styleTags: z.array(z.string()),
    })
    .optional(),
  shots: z.array(ShotJson),
  storyboard: StoryboardJson.optional(),
  evaluation: EvaluationJson.optional(),
  /** Said out loud: "delivered, but the evaluation did not pass …", "crew fell back: …". */
  notices: z.array(z.string()),
  downloadUrl: z.string().optional(),
});

export const ProjectList = z.object({ projects: z.array(ProjectJson) });
export const DecisionList = z.object({ decisions: z.array(Decision) });

export const EstimateRequest = z.object({
  provider: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9][\w.-]*$/, 'a provider name (see GET /api/options)'),
  model: z.string().max(128).optional(),
  durationSec: z.number().positive().max(LIMITS.maxEstimateSec),
  aspect: Aspect.optional(),
  resolution: Resolution.optional(),
});
export const EstimateJson = z.object({
  provider: z.string(),
  model: z.string().optional(),
  shots: z.number(),
  seconds: z.number(),
  usd: z.number(),
  exact: z.boolean(),
});

export const OptionsJson = z.object({
  providers: z.array(z.string()),
  renderers: z.array(z.string()),
  crews: z.array(z.string()),
  aspects: z.array(z.string()),
  resolutions: z.array(z.string()),
  visualizers: z.array(z.string()),
  styles: z.array(z.string()),
  statuses: z.array(z.string()),
  maxUploadBytes: z.number(),
});

export const RegenerateRequest = z.object({
  prompt: safeText(4000)
    .refine((s) => s.length > 0, 'an empty prompt')
    .optional(),
});
export const RerollRequest = z.object({
  /** New words for the shot: its prompt from now on, and its still made again with them. */
  prompt: safeText(4000)
    .refine((s) => s.length > 0, 'an empty prompt')
    .optional(),
});
export const RerollJson = z.object({
  shotId: z.string(),
  take: z.number(),
  seed: z.number(),
  usd: z.number(),
  stillUrl: z.string(),
});
export const ReplaceMultipart = z.object({
  clip: z.string().openapi({ type: 'string', format: 'binary', description: 'a video file for the shot' }),
});
export const ResumeRequest = z.object({ approvedUsd: z.number().min(0).max(LIMITS.maxUsd).optional() });
export const ApproveRequest = z.object({ maxUsd: z.number().min(0).max(LIMITS.maxUsd).optional() });
export const Accepted = z.object({
  id: z.string(),
  status: ProjectStatus,
  queued: z.array(z.string()).optional(),
});
export const StatusFilter = z.object({ status: z.string().optional() });

// --- the studio: models set up here, versions of the cut, takes, the timeline view, an ETA ---
export const ProviderInfoJson = z.object({
  name: z.string(),
  description: z.string(),
  configured: z.boolean(),
  /** How to set it up, when it is not. */
  hint: z.string().optional(),
  keyEnv: z.string().optional(),
  models: z.array(z.string()),
  aspects: z.array(z.string()),
  free: z.boolean(),
});
export const ProvidersJson = z.object({ providers: z.array(ProviderInfoJson) });
export const RenameRequest = z.object({ name: z.string().trim().min(1).max(120) });
export const RenamedJson = z.object({ id: z.string(), name: z.string() });
export const VersionJson = z.object({
  n: z.number(),
  at: z.string(),
  score: z.number().optional(),
  round: z.number().optional(),
  current: z.boolean(),
  videoUrl: z.string(),
  downloadUrl: z.string(),
  thumbnailUrl: z.string().optional(),
});
export const VersionsJson = z.object({ current: z.number().optional(), versions: z.array(VersionJson) });
export const RestoredJson = z.object({ id: z.string(), current: z.number() });
export const SwitchModelRequest = z.object({
  provider: z.string().min(1).max(64),
  model: z.string().min(1).max(128).optional(),
  approvedUsd: z.number().nonnegative().optional(),
});
export const SwitchedModelJson = z.object({
  id: z.string(),
  provider: z.string(),
  model: z.string().optional(),
  queued: z.array(z.string()),
});
export const DecisionPageQuery = z.object({ limit: z.string().optional(), before: z.string().optional() });
export const DecisionPageJson = z.object({
  total: z.number(),
  decisions: z.array(
    Decision.pick({
      stage: true,
      role: true,
      shotId: true,
      summary: true,
      model: true,
      costUsd: true,
      at: true,
    }).extend({ id: z.number() }),
  ),
  /** The `before` of the next page, when there is one. */
  next: z.number().optional(),
});
export const TakeJson = z.object({
  id: z.string(),
  label: z.string(),
  current: z.boolean(),
  clipUrl: z.string(),
  thumbnailUrl: z.string().optional(),
});
export const TakesJson = z.object({ takes: z.array(TakeJson) });
export const UsedTakeJson = z.object({ id: z.string(), take: z.string(), unchanged: z.boolean().optional() });
export const TimelineViewJson = z.object({
  durationSec: z.number(),
  bpm: z.number(),
  beats: z.array(z.number()),
  downbeats: z.array(z.number()),
  sections: z.array(z.object({ start: z.number(), end: z.number(), label: z.string() })),
  shots: z.array(z.object({ shotId: z.string(), index: z.number(), start: z.number(), end: z.number() })),
  /** Loudness peaks of the song, 0…1. */
  peaks: z.array(z.number()),
  /** The shots' times are the cut's (else the plan's). */
  fromCut: z.boolean(),
  /**
   * What the editor cuts on (cutGrid): the beats, every other beat (two tempo octaves nearly as likely),
   * or the music's changes (no steady beat); `beats` and `downbeats` above are that grid's points and bars.
   */
  cutGrid: z.object({ level: z.enum(['beat', 'shared', 'phrase']), why: z.string() }).optional(),
});
export const EtaJson = z.object({
  stages: z.record(z.string(), z.object({ secPerSongSec: z.number(), samples: z.number() })),
});
