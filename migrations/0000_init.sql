CREATE TABLE "analysis_templates" (
	"name" text NOT NULL,
	"version" integer NOT NULL,
	"spec" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	"reason" text,
	"deleted_at" timestamp (3) with time zone,
	CONSTRAINT "analysis_templates_name_version_pk" PRIMARY KEY("name","version")
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"cluster_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	"expires_at" timestamp (3) with time zone,
	"revoked_at" timestamp (3) with time zone,
	"last_used_at" timestamp (3) with time zone,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "approvals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"release_id" uuid NOT NULL,
	"wave_index" integer NOT NULL,
	"approver" text NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cluster_rollouts" (
	"cluster_id" uuid NOT NULL,
	"namespace" text NOT NULL,
	"name" text NOT NULL,
	"app" text NOT NULL,
	"phase" text NOT NULL,
	"policy_name" text,
	"summary" jsonb NOT NULL,
	"epoch" bigint NOT NULL,
	"seq" bigint NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cluster_rollouts_cluster_id_namespace_name_pk" PRIMARY KEY("cluster_id","namespace","name")
);
--> statement-breakpoint
CREATE TABLE "clusters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"labels" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	"last_seen_at" timestamp (3) with time zone,
	"agent_version" text,
	"epoch" bigint,
	CONSTRAINT "clusters_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "commands" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"cluster_id" uuid NOT NULL,
	"namespace" text NOT NULL,
	"rollout" text NOT NULL,
	"app" text NOT NULL,
	"action" text NOT NULL,
	"args" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"actor" text NOT NULL,
	"reason" text NOT NULL,
	"ttl_seconds" integer NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"outcome_reason" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fleet_releases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"app" text NOT NULL,
	"target" jsonb NOT NULL,
	"mode" text NOT NULL,
	"failure_policy" text NOT NULL,
	"state" text NOT NULL,
	"plan" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_chains" (
	"chain" text PRIMARY KEY NOT NULL,
	"head_seq" bigint NOT NULL,
	"head_hash" text NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_events" (
	"chain" text NOT NULL,
	"seq" bigint NOT NULL,
	"pos" bigint GENERATED ALWAYS AS IDENTITY (sequence name "ledger_events_pos_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp (3) with time zone NOT NULL,
	"actor" text NOT NULL,
	"kind" text NOT NULL,
	"subject" text NOT NULL,
	"data" jsonb NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "ledger_events_chain_seq_pk" PRIMARY KEY("chain","seq")
);
--> statement-breakpoint
CREATE TABLE "ledger_inbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"event_id" text NOT NULL,
	"chain" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"actor" text NOT NULL,
	"kind" text NOT NULL,
	"subject" text NOT NULL,
	"data" jsonb NOT NULL,
	"received_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"appended_seq" bigint
);
--> statement-breakpoint
CREATE TABLE "release_clusters" (
	"release_id" uuid NOT NULL,
	"cluster_id" uuid NOT NULL,
	"wave_index" integer NOT NULL,
	"position" integer NOT NULL,
	"state" text NOT NULL,
	"reason" text,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "release_clusters_release_id_cluster_id_pk" PRIMARY KEY("release_id","cluster_id")
);
--> statement-breakpoint
CREATE TABLE "release_waves" (
	"release_id" uuid NOT NULL,
	"index" integer NOT NULL,
	"name" text NOT NULL,
	"spec" jsonb NOT NULL,
	"state" text NOT NULL,
	"started_at" timestamp (3) with time zone,
	"finished_at" timestamp (3) with time zone,
	CONSTRAINT "release_waves_release_id_index_pk" PRIMARY KEY("release_id","index")
);
--> statement-breakpoint
CREATE TABLE "rollout_policies" (
	"name" text NOT NULL,
	"version" integer NOT NULL,
	"spec" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	"reason" text,
	"deleted_at" timestamp (3) with time zone,
	CONSTRAINT "rollout_policies_name_version_pk" PRIMARY KEY("name","version")
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_cluster_id_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."clusters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_release_id_fleet_releases_id_fk" FOREIGN KEY ("release_id") REFERENCES "public"."fleet_releases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cluster_rollouts" ADD CONSTRAINT "cluster_rollouts_cluster_id_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."clusters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commands" ADD CONSTRAINT "commands_cluster_id_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."clusters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_clusters" ADD CONSTRAINT "release_clusters_release_id_fleet_releases_id_fk" FOREIGN KEY ("release_id") REFERENCES "public"."fleet_releases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_clusters" ADD CONSTRAINT "release_clusters_cluster_id_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."clusters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_waves" ADD CONSTRAINT "release_waves_release_id_fleet_releases_id_fk" FOREIGN KEY ("release_id") REFERENCES "public"."fleet_releases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_tokens_cluster_idx" ON "api_tokens" USING btree ("cluster_id");--> statement-breakpoint
CREATE UNIQUE INDEX "approvals_once_idx" ON "approvals" USING btree ("release_id","wave_index","approver");--> statement-breakpoint
CREATE INDEX "cluster_rollouts_app_idx" ON "cluster_rollouts" USING btree ("app");--> statement-breakpoint
CREATE INDEX "cluster_rollouts_phase_idx" ON "cluster_rollouts" USING btree ("phase");--> statement-breakpoint
CREATE INDEX "cluster_rollouts_policy_idx" ON "cluster_rollouts" USING btree ("policy_name");--> statement-breakpoint
CREATE INDEX "commands_cluster_state_idx" ON "commands" USING btree ("cluster_id","state","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "fleet_releases_active_app_idx" ON "fleet_releases" USING btree ("app") WHERE "fleet_releases"."state" in ('Pending', 'Running', 'Halted');--> statement-breakpoint
CREATE INDEX "fleet_releases_app_idx" ON "fleet_releases" USING btree ("app","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_events_pos_idx" ON "ledger_events" USING btree ("pos");--> statement-breakpoint
CREATE INDEX "ledger_events_chain_pos_idx" ON "ledger_events" USING btree ("chain","pos");--> statement-breakpoint
CREATE INDEX "ledger_events_actor_pos_idx" ON "ledger_events" USING btree ("actor","pos");--> statement-breakpoint
CREATE INDEX "ledger_events_kind_pos_idx" ON "ledger_events" USING btree ("kind","pos");--> statement-breakpoint
CREATE INDEX "ledger_events_cluster_pos_idx" ON "ledger_events" USING btree (("data"->>'cluster'),"pos");--> statement-breakpoint
CREATE INDEX "ledger_events_at_idx" ON "ledger_events" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_inbox_source_event_idx" ON "ledger_inbox" USING btree ("source","event_id");--> statement-breakpoint
CREATE INDEX "ledger_inbox_pending_idx" ON "ledger_inbox" USING btree ("chain","id") WHERE "ledger_inbox"."appended_seq" is null;--> statement-breakpoint
CREATE INDEX "release_clusters_cluster_idx" ON "release_clusters" USING btree ("cluster_id");