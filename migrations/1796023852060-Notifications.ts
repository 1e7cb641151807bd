import { MigrationInterface, QueryRunner } from "typeorm";

export class Notifications1796023852060 implements MigrationInterface {
    name = 'Notifications1796023852060'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "notification_entries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "queue_id" uuid NOT NULL, "rule_index" integer NOT NULL, "channel" text NOT NULL, "kind" text NOT NULL, "recipient" text NOT NULL DEFAULT '', "item_id" uuid NOT NULL, "dedupe_key" text NOT NULL, "details" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "delivery_id" uuid, CONSTRAINT "PK_21471a367986c20f738f3954121" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "notification_entries_pending_idx" ON "notification_entries"  ("queue_id", "rule_index", "channel", "kind", "recipient", "created_at") WHERE delivery_id IS NULL`);
        await queryRunner.query(`CREATE UNIQUE INDEX "notification_entries_dedupe_key" ON "notification_entries"  ("queue_id", "rule_index", "channel", "dedupe_key") `);
        await queryRunner.query(`CREATE TABLE "notification_deliveries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "queue_id" uuid NOT NULL, "rule_index" integer NOT NULL, "channel" text NOT NULL, "kind" text NOT NULL, "recipient" text NOT NULL DEFAULT '', "target" text NOT NULL, "summary" text NOT NULL, "item_ids" uuid array NOT NULL DEFAULT '{}', "item_count" integer NOT NULL DEFAULT '0', "message" jsonb NOT NULL, "status" text NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "status_code" integer, "last_error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "delivered_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_81daeff81f237bd384f7cfc4a4c" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "notification_deliveries_pending_idx" ON "notification_deliveries"  ("updated_at") WHERE status = 'pending'`);
        await queryRunner.query(`CREATE INDEX "notification_deliveries_window_idx" ON "notification_deliveries"  ("queue_id", "rule_index", "channel", "kind", "recipient", "created_at") `);
        await queryRunner.query(`CREATE INDEX "notification_deliveries_queue_idx" ON "notification_deliveries"  ("queue_id", "created_at") `);
        await queryRunner.query(`ALTER TABLE "items" ADD "sla_warn_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "items" ADD "sla_warned_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "items" ADD "assigned_to" uuid`);
        await queryRunner.query(`ALTER TABLE "items" ADD "assigned_to_name" text`);
        await queryRunner.query(`ALTER TABLE "items" ADD "assigned_until" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "items" ADD "assigned_by" uuid`);
        await queryRunner.query(`ALTER TABLE "queues" ADD "notifications" jsonb NOT NULL DEFAULT '[]'`);
        await queryRunner.query(`CREATE INDEX "items_assigned_idx" ON "items"  ("assigned_to", "queue_id", "review_rank", "queued_at", "id") WHERE review_state = 'waiting' AND assigned_to IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "items_sla_warn_idx" ON "items"  ("sla_warn_at") WHERE sla_warn_at IS NOT NULL AND sla_warned_at IS NULL AND status IN ('pending', 'in_review', 'escalated')`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."items_sla_warn_idx"`);
        await queryRunner.query(`DROP INDEX "public"."items_assigned_idx"`);
        await queryRunner.query(`ALTER TABLE "queues" DROP COLUMN "notifications"`);
        await queryRunner.query(`ALTER TABLE "items" DROP COLUMN "assigned_by"`);
        await queryRunner.query(`ALTER TABLE "items" DROP COLUMN "assigned_until"`);
        await queryRunner.query(`ALTER TABLE "items" DROP COLUMN "assigned_to_name"`);
        await queryRunner.query(`ALTER TABLE "items" DROP COLUMN "assigned_to"`);
        await queryRunner.query(`ALTER TABLE "items" DROP COLUMN "sla_warned_at"`);
        await queryRunner.query(`ALTER TABLE "items" DROP COLUMN "sla_warn_at"`);
        await queryRunner.query(`DROP INDEX "public"."notification_deliveries_queue_idx"`);
        await queryRunner.query(`DROP INDEX "public"."notification_deliveries_window_idx"`);
        await queryRunner.query(`DROP INDEX "public"."notification_deliveries_pending_idx"`);
        await queryRunner.query(`DROP TABLE "notification_deliveries"`);
        await queryRunner.query(`DROP INDEX "public"."notification_entries_dedupe_key"`);
        await queryRunner.query(`DROP INDEX "public"."notification_entries_pending_idx"`);
        await queryRunner.query(`DROP TABLE "notification_entries"`);
    }

}
