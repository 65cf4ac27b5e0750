import { sql } from 'drizzle-orm';
import {
  bigserial,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/**
 * One schema for PGlite and PostgreSQL. Stage outputs (song, analysis, storyboard, timeline…) are kept
 * as JSON validated by the zod schemas of @beatframe/core when read; the columns that are queried
 * (status, costs, job refs) are real columns.
 */

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });

export const projects = pgTable(
  'projects',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /** queued | running | paused | failed | done */
    status: text('status').notNull().default('queued'),
    /** Why the project is paused or failed, one line. */
    error: text('error'),
    /** The stage the project is at (the next one to run). */
    stage: text('stage').notNull().default('ingest'),
    /** Evaluation-driven iteration round, 0 first. */
    round: integer('round').notNull().default(0),
    /** SongSource plus ingest hints ({ source, lyricsPath, title, artist }). */
    input: jsonb('input').notNull(),
    options: jsonb('options').notNull(),
    maxUsd: doublePrecision('max_usd'),
    estimateUsd: doublePrecision('estimate_usd').notNull().default(0),
    spentUsd: doublePrecision('spent_usd').notNull().default(0),
    /** Spending up to this amount was approved (by --yes or a person); null: not yet. */
    approvedUsd: doublePrecision('approved_usd'),
    /** The estimate's upper bound: the first cut plus the retakes and revision rounds it may need. */
    estimateMaxUsd: doublePrecision('estimate_max_usd').notNull().default(0),
    /** While paused for approval: the amount the approval must reach to go on. */
    approvalNeededUsd: doublePrecision('approval_needed_usd'),
    /** Where the final video was delivered. */
    outputPath: text('output_path'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('projects_status_idx').on(t.status)],
);

export const stages = pgTable(
  'stages',
  {
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** pending | running | done | failed | skipped */
    status: text('status').notNull().default('pending'),
    progress: doublePrecision('progress').notNull().default(0),
    /** The stage's result (JSON); a stage whose output exists is not run again. */
    output: jsonb('output'),
    error: text('error'),
    runs: integer('runs').notNull().default(0),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.name] })],
);

export const shots = pgTable(
  'shots',
  {
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    index: integer('idx').notNull(),
    /** The Shot (storyboard + prompt), as the crew wrote it. */
    shot: jsonb('shot').notNull(),
    prompt: text('prompt').notNull().default(''),
    /** pending | submitting | generating | downloading | generated | accepted | failed | paused */
    status: text('status').notNull().default('pending'),
    /** 1-based; a new attempt is a new provider submission. */
    attempt: integer('attempt').notNull().default(1),
    /** Transient-error retries within the current attempt. */
    retries: integer('retries').notNull().default(0),
    progress: doublePrecision('progress').notNull().default(0),
    clip: jsonb('clip'),
    thumbnailPath: text('thumbnail_path'),
    costUsd: doublePrecision('cost_usd').notNull().default(0),
    error: text('error'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.id] })],
);

/** A provider's job, stored before it is polled: a resumed shot polls it instead of paying again. */
export const providerJobs = pgTable(
  'provider_jobs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    shotId: text('shot_id').notNull(),
    attempt: integer('attempt').notNull(),
    provider: text('provider').notNull(),
    jobId: text('job_id').notNull(),
    ref: jsonb('ref').notNull(),
    /** submitted | done | failed */
    state: text('state').notNull().default('submitted'),
    error: jsonb('error'),
    costUsd: doublePrecision('cost_usd').notNull().default(0),
    /** sha256 of the request sent: a request already paid for is never sent again. */
    requestDigest: text('request_digest'),
    /** Seconds of video bought, and seconds of the song's slot the clip fills. */
    boughtSec: doublePrecision('bought_sec'),
    usedSec: doublePrecision('used_sec'),
    submittedAt: ts('submitted_at').notNull().defaultNow(),
    finishedAt: ts('finished_at'),
  },
  (t) => [
    uniqueIndex('provider_jobs_attempt_uq').on(t.projectId, t.shotId, t.attempt),
    index('provider_jobs_digest_idx').on(t.projectId, t.requestDigest),
  ],
);

export const assets = pgTable(
  'assets',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** song | clip | thumbnail | frame | timeline | video | report | poster */
    kind: text('kind').notNull(),
    shotId: text('shot_id'),
    path: text('path').notNull(),
    bytes: integer('bytes'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('assets_path_uq').on(t.projectId, t.path)],
);

export const decisions = pgTable(
  'decisions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    projectId: text('project_id'),
    stage: text('stage'),
    role: text('role').notNull(),
    shotId: text('shot_id'),
    summary: text('summary').notNull(),
    inputDigest: text('input_digest'),
    output: jsonb('output'),
    model: text('model'),
    tokens: jsonb('tokens'),
    costUsd: doublePrecision('cost_usd'),
    ms: doublePrecision('ms'),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('decisions_project_idx').on(t.projectId, t.id)],
);

/** Money committed to a provider, one row per submission (and per LLM call when the crew reports it). */
export const costs = pgTable(
  'costs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    projectId: text('project_id').notNull(),
    shotId: text('shot_id'),
    attempt: integer('attempt'),
    provider: text('provider').notNull(),
    usd: doublePrecision('usd').notNull(),
    /** UTC day the money was committed, for the daily cap. */
    day: date('day', { mode: 'string' }).notNull().default(sql`(now() at time zone 'utc')::date`),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('costs_day_idx').on(t.day), index('costs_project_idx').on(t.projectId)],
);

/** Running total per UTC day, updated atomically so that several workers never overspend the cap. */
export const dailySpend = pgTable('daily_spend', {
  day: date('day', { mode: 'string' }).primaryKey(),
  usd: doublePrecision('usd').notNull().default(0),
});

/** Budget alerts already sent (80% / 100%), so each fires once per scope. */
export const budgetAlerts = pgTable(
  'budget_alerts',
  {
    scope: text('scope').notNull(),
    scopeKey: text('scope_key').notNull(),
    threshold: integer('threshold').notNull(),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.scopeKey, t.threshold] })],
);

/** Everything the live stream shows, kept so a client can catch up from the last id it saw. */
export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    projectId: text('project_id'),
    type: text('type').notNull(),
    payload: jsonb('payload').notNull(),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('events_project_idx').on(t.projectId, t.id)],
);

/**
 * Provider slots: a shot holds one while its job is at the provider, so the provider's concurrency
 * limit holds across every worker. A lease that is not renewed (a dead worker) expires.
 */
export const providerLeases = pgTable(
  'provider_leases',
  {
    provider: text('provider').notNull(),
    slot: integer('slot').notNull(),
    holder: text('holder').notNull(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.slot] })],
);
