CREATE TABLE "provider_leases" (
	"provider" text NOT NULL,
	"slot" integer NOT NULL,
	"holder" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "provider_leases_provider_slot_pk" PRIMARY KEY("provider","slot")
);
