/**
 * The JSON the API answers, as TypeScript types (`@beatframe/api/types`, type-only): what the web app reads.
 * Each is the output of the zod schema that describes the route in the OpenAPI document.
 */
import type { z } from '@hono/zod-openapi';
import type * as S from './schemas.js';

export type Project = z.output<typeof S.ProjectJson>;
export type Stage = Project['stages'][number];
export type ProjectDetail = z.output<typeof S.ProjectDetailJson>;
export type Shot = z.output<typeof S.ShotJson>;
export type Storyboard = z.output<typeof S.StoryboardJson>;
export type Decision = z.output<typeof S.DecisionPageJson>['decisions'][number];
export type Options = z.output<typeof S.OptionsJson>;
export type Estimate = z.output<typeof S.EstimateJson>;
export type ProviderInfo = z.output<typeof S.ProviderInfoJson>;
export type Version = z.output<typeof S.VersionJson>;
export type Take = z.output<typeof S.TakeJson>;
export type TimelineView = z.output<typeof S.TimelineViewJson>;
export type EtaTable = z.output<typeof S.EtaJson>;
export type ApiErrorBody = z.output<typeof S.ApiError>;
