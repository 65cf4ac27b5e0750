import {
  Aspect,
  CrewMode,
  Decision,
  EvaluationIssue,
  Project,
  ProjectStatus,
  Resolution,
  StageName,
} from '@beatframe/core';
import { z } from '@hono/zod-openapi';

/**
 * The shapes the API speaks, as zod schemas: requests are validated with them and the OpenAPI
 * document is generated from them. Server file paths never leave the API; files are URLs.
 */

export const ApiError = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});

/** Form fields arrive as strings; JSON as numbers or booleans. Both are accepted. */
const num = z.preprocess((v) => (v === '' || v === undefined ? undefined : Number(v)), z.number().optional());
const bool = z.preprocess(
  (v) => (v === 'true' || v === 'on' || v === '1' ? true : v === 'false' || v === '0' ? false : v),
  z.boolean().optional(),
);
const text = z.preprocess((v) => (v === '' ? undefined : v), z.string().max(4000).optional());

/** Options a new project can be given (multipart fields or JSON properties of the same names). */
export const CreateProjectFields = z.object({
  theme: text,
  provider: text,
  model: text,
  crew: z.preprocess((v) => (v === '' ? undefined : v), CrewMode.optional()),
  renderer: text,
  aspect: z.preprocess((v) => (v === '' ? undefined : v), Aspect.optional()),
  resolution: z.preprocess((v) => (v === '' ? undefined : v), Resolution.optional()),
  maxRounds: num,
  captions: bool,
  titleCard: bool,
  title: text,
  artist: text,
  name: text,
  /** Hard cap for this project, USD. */
  maxCostUsd: num,
  /** Spend up to this much without pausing for approval (what the person agreed to after the estimate). */
  approvedUsd: num,
});
export type CreateProjectFields = z.infer<typeof CreateProjectFields>;

export const CreateProjectJson = CreateProjectFields.extend({
  url: z.string().url().optional(),
  sunoId: z.string().min(1).optional(),
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

export const ProjectDetailJson = ProjectJson.extend({
  currentStage: StageName,
  awaitingApproval: z.boolean(),
  reason: z.string().optional(),
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
  evaluation: EvaluationJson.optional(),
  downloadUrl: z.string().optional(),
});

export const ProjectList = z.object({ projects: z.array(ProjectJson) });
export const DecisionList = z.object({ decisions: z.array(Decision) });

export const EstimateRequest = z.object({
  provider: z.string().min(1),
  model: z.string().optional(),
  durationSec: z.number().positive(),
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
  statuses: z.array(z.string()),
  maxUploadBytes: z.number(),
});

export const RegenerateRequest = z.object({ prompt: z.string().min(1).max(4000).optional() });
export const ReplaceMultipart = z.object({
  clip: z.string().openapi({ type: 'string', format: 'binary', description: 'a video file for the shot' }),
});
export const ResumeRequest = z.object({ approvedUsd: z.number().nonnegative().optional() });
export const ApproveRequest = z.object({ maxUsd: z.number().nonnegative().optional() });
export const Accepted = z.object({
  id: z.string(),
  status: ProjectStatus,
  queued: z.array(z.string()).optional(),
});
export const StatusFilter = z.object({ status: z.string().optional() });
