import { MigrationInterface, QueryRunner } from "typeorm";

export class Initial1795308711548 implements MigrationInterface {
    name = 'Initial1795308711548'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "api_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "key_hash" text NOT NULL, "key_prefix" text NOT NULL, "queues" text array NOT NULL, "scopes" text array NOT NULL, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"  ("key_hash") `);
        await queryRunner.query(`CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" text NOT NULL, "name" text NOT NULL, "password_hash" text NOT NULL, "roles" text array NOT NULL DEFAULT '{}', "queues" text array NOT NULL DEFAULT '{}', "disabled_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "users_email_lower_key" ON "users"  ("email") `);
        await queryRunner.query(`CREATE TABLE "item_events" ("id" BIGSERIAL NOT NULL, "item_id" uuid NOT NULL, "seq" integer NOT NULL, "type" text NOT NULL, "actor" text NOT NULL, "details" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "prev_hash" text NOT NULL, "hash" text NOT NULL, CONSTRAINT "PK_b6d5f82a7f54a33cab0e464bbc2" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "item_events_item_seq_key" ON "item_events"  ("item_id", "seq") `);
        await queryRunner.query(`CREATE TABLE "items" ("id" uuid NOT NULL, "queue_id" uuid NOT NULL, "queue_slug" text NOT NULL, "external_id" text, "body_hash" text NOT NULL, "model_name" text NOT NULL, "model_version" text, "input" jsonb, "output" jsonb NOT NULL, "confidence" double precision NOT NULL, "metadata" jsonb NOT NULL DEFAULT '{}', "callback_url" text, "routing" text NOT NULL, "reasons" jsonb NOT NULL, "policy_version" integer NOT NULL, "status" text NOT NULL, "usable" boolean NOT NULL, "decided_by" text, "final_output" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "decided_at" TIMESTAMP WITH TIME ZONE, "sla_due_at" TIMESTAMP WITH TIME ZONE, "review_state" text NOT NULL DEFAULT 'none', "review_class" text, "review_rank" smallint, "queued_at" TIMESTAMP WITH TIME ZONE, "claimed_by" uuid, "claimed_at" TIMESTAMP WITH TIME ZONE, "lease_token" text, "lease_expires_at" TIMESTAMP WITH TIME ZONE, "released_by" uuid, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_ba5885359424c15ca6b9e79bcf6" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "items_review_line_idx" ON "items"  ("queue_id", "review_rank", "queued_at", "id") WHERE review_state = 'waiting'`);
        await queryRunner.query(`CREATE INDEX "items_queue_created_idx" ON "items"  ("queue_id", "created_at", "id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "items_queue_external_id_key" ON "items"  ("queue_id", "external_id") WHERE external_id IS NOT NULL`);
        await queryRunner.query(`CREATE TABLE "policy_versions" ("queue_id" uuid NOT NULL, "version" integer NOT NULL, "policy" jsonb NOT NULL, "output_schema" jsonb, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_54d2dc3ff24abb8859c732af68a" PRIMARY KEY ("queue_id", "version"))`);
        await queryRunner.query(`CREATE TABLE "queues" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" text NOT NULL, "name" text NOT NULL, "policy" jsonb NOT NULL, "policy_version" integer NOT NULL DEFAULT '1', "output_schema" jsonb, "labels" text array NOT NULL DEFAULT '{}', "required_reviews" integer NOT NULL DEFAULT '1', "lease_seconds" integer NOT NULL DEFAULT '300', "sla" jsonb NOT NULL, "webhook_url" text, "webhook_secret" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d966f9eb39a9396658387071bb3" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "queues_slug_key" ON "queues"  ("slug") `);
        await queryRunner.query(`CREATE TABLE "reviews" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "item_id" uuid NOT NULL, "queue_id" uuid NOT NULL, "reviewer_id" uuid NOT NULL, "action" text NOT NULL, "labels" text array NOT NULL DEFAULT '{}', "reason" text, "comment" text, "corrected_output" jsonb, "review_class" text, "claimed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "decided_at" TIMESTAMP WITH TIME ZONE NOT NULL, "review_seconds" double precision NOT NULL, CONSTRAINT "PK_231ae565c273ee700b283f15c1d" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "reviews_decided_idx" ON "reviews"  ("decided_at", "id") `);
        await queryRunner.query(`CREATE INDEX "reviews_reviewer_item_idx" ON "reviews"  ("reviewer_id", "item_id") `);
        await queryRunner.query(`CREATE INDEX "reviews_item_idx" ON "reviews"  ("item_id", "decided_at") `);
        await queryRunner.query(`CREATE TABLE "export_jobs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "requested_by" uuid NOT NULL, "params" jsonb NOT NULL, "status" text NOT NULL, "rows" integer NOT NULL DEFAULT '0', "progress" double precision NOT NULL DEFAULT '0', "file_path" text, "error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_3044ce6f1c6af24058ee609e063" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "webhook_deliveries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "item_id" uuid NOT NULL, "url" text NOT NULL, "delivery_key" text NOT NULL, "attempt" integer NOT NULL, "status_code" integer, "error" text, "duration_ms" integer NOT NULL, "succeeded" boolean NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "webhook_deliveries_item_idx" ON "webhook_deliveries"  ("item_id", "created_at") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."webhook_deliveries_item_idx"`);
        await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
        await queryRunner.query(`DROP TABLE "export_jobs"`);
        await queryRunner.query(`DROP INDEX "public"."reviews_item_idx"`);
        await queryRunner.query(`DROP INDEX "public"."reviews_reviewer_item_idx"`);
        await queryRunner.query(`DROP INDEX "public"."reviews_decided_idx"`);
        await queryRunner.query(`DROP TABLE "reviews"`);
        await queryRunner.query(`DROP INDEX "public"."queues_slug_key"`);
        await queryRunner.query(`DROP TABLE "queues"`);
        await queryRunner.query(`DROP TABLE "policy_versions"`);
        await queryRunner.query(`DROP INDEX "public"."items_queue_external_id_key"`);
        await queryRunner.query(`DROP INDEX "public"."items_queue_created_idx"`);
        await queryRunner.query(`DROP INDEX "public"."items_review_line_idx"`);
        await queryRunner.query(`DROP TABLE "items"`);
        await queryRunner.query(`DROP INDEX "public"."item_events_item_seq_key"`);
        await queryRunner.query(`DROP TABLE "item_events"`);
        await queryRunner.query(`DROP INDEX "public"."users_email_lower_key"`);
        await queryRunner.query(`DROP TABLE "users"`);
        await queryRunner.query(`DROP INDEX "public"."api_keys_key_hash_key"`);
        await queryRunner.query(`DROP TABLE "api_keys"`);
    }

}
