CREATE TABLE "assets" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"kind" text NOT NULL,
	"shot_id" text,
	"path" text NOT NULL,
	"bytes" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "budget_alerts" (
	"scope" text NOT NULL,
	"scope_key" text NOT NULL,
	"threshold" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "budget_alerts_scope_scope_key_threshold_pk" PRIMARY KEY("scope","scope_key","threshold")
);
--> statement-breakpoint
CREATE TABLE "costs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"shot_id" text,
	"attempt" integer,
	"provider" text NOT NULL,
	"usd" double precision NOT NULL,
	"day" date DEFAULT (now() at time zone 'utc')::date NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "daily_spend" (
	"day" date PRIMARY KEY NOT NULL,
	"usd" double precision DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "decisions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"project_id" text,
	"stage" text,
	"role" text NOT NULL,
	"shot_id" text,
	"summary" text NOT NULL,
	"input_digest" text,
	"output" jsonb,
	"model" text,
	"tokens" jsonb,
	"cost_usd" double precision,
	"ms" double precision,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"project_id" text,
	"type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "projects" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"error" text,
	"stage" text DEFAULT 'ingest' NOT NULL,
	"round" integer DEFAULT 0 NOT NULL,
	"input" jsonb NOT NULL,
	"options" jsonb NOT NULL,
	"max_usd" double precision,
	"estimate_usd" double precision DEFAULT 0 NOT NULL,
	"spent_usd" double precision DEFAULT 0 NOT NULL,
	"approved_usd" double precision,
	"output_path" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "provider_jobs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"shot_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"provider" text NOT NULL,
	"job_id" text NOT NULL,
	"ref" jsonb NOT NULL,
	"state" text DEFAULT 'submitted' NOT NULL,
	"error" jsonb,
	"cost_usd" double precision DEFAULT 0 NOT NULL,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "shots" (
	"project_id" text NOT NULL,
	"id" text NOT NULL,
	"idx" integer NOT NULL,
	"shot" jsonb NOT NULL,
	"prompt" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempt" integer DEFAULT 1 NOT NULL,
	"retries" integer DEFAULT 0 NOT NULL,
	"progress" double precision DEFAULT 0 NOT NULL,
	"clip" jsonb,
	"thumbnail_path" text,
	"cost_usd" double precision DEFAULT 0 NOT NULL,
	"error" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shots_project_id_id_pk" PRIMARY KEY("project_id","id")
);
--> statement-breakpoint
CREATE TABLE "stages" (
	"project_id" text NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"progress" double precision DEFAULT 0 NOT NULL,
	"output" jsonb,
	"error" text,
	"runs" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "stages_project_id_name_pk" PRIMARY KEY("project_id","name")
);
--> statement-breakpoint
ALTER TABLE "assets" ADD CONSTRAINT "assets_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_jobs" ADD CONSTRAINT "provider_jobs_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shots" ADD CONSTRAINT "shots_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stages" ADD CONSTRAINT "stages_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "assets_path_uq" ON "assets" USING btree ("project_id","path");--> statement-breakpoint
CREATE INDEX "costs_day_idx" ON "costs" USING btree ("day");--> statement-breakpoint
CREATE INDEX "costs_project_idx" ON "costs" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "decisions_project_idx" ON "decisions" USING btree ("project_id","id");--> statement-breakpoint
CREATE INDEX "events_project_idx" ON "events" USING btree ("project_id","id");--> statement-breakpoint
CREATE INDEX "projects_status_idx" ON "projects" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "provider_jobs_attempt_uq" ON "provider_jobs" USING btree ("project_id","shot_id","attempt");