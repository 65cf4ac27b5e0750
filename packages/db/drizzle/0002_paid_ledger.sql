ALTER TABLE "projects" ADD COLUMN "estimate_max_usd" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "approval_needed_usd" double precision;--> statement-breakpoint
ALTER TABLE "provider_jobs" ADD COLUMN "request_digest" text;--> statement-breakpoint
ALTER TABLE "provider_jobs" ADD COLUMN "bought_sec" double precision;--> statement-breakpoint
ALTER TABLE "provider_jobs" ADD COLUMN "used_sec" double precision;--> statement-breakpoint
CREATE INDEX "provider_jobs_digest_idx" ON "provider_jobs" USING btree ("project_id","request_digest");