import { MigrationInterface, QueryRunner } from "typeorm";

export class ItemSearchAndComments1796023656941 implements MigrationInterface {
    name = 'ItemSearchAndComments1796023656941'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "item_comments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "item_id" uuid NOT NULL, "queue_id" uuid NOT NULL, "author_id" uuid, "author_key_id" uuid, "author_name" text NOT NULL, "body" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_d7f6d11b71902adedd5f23f13d4" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "item_comments_item_idx" ON "item_comments"  ("item_id", "created_at", "id") `);
        await queryRunner.query(`ALTER TABLE "items" ADD "comment_count" integer NOT NULL DEFAULT '0'`);
        await queryRunner.query(`CREATE INDEX "items_status_created_idx" ON "items"  ("status", "created_at", "id") `);
        await queryRunner.query(`CREATE INDEX "items_model_created_idx" ON "items"  ("model_name", "created_at", "id") `);
        await queryRunner.query(`CREATE INDEX "items_created_idx" ON "items"  ("created_at", "id") `);
        await queryRunner.query(`CREATE INDEX "items_external_id_idx" ON "items"  ("external_id") WHERE external_id IS NOT NULL`);
        // Full-text search (GET /v1/items?q=): GIN indexes on exactly the expressions of
        // src/items/item-search.ts, written by hand (TypeORM cannot describe expression indexes;
        // the entities declare them with synchronize: false).
        await queryRunner.query(`CREATE INDEX "items_search_idx" ON "items" USING gin ((to_tsvector('simple'::regconfig, COALESCE(external_id, ''::text)) || jsonb_to_tsvector('simple'::regconfig, COALESCE(input, 'null'::jsonb), '["string"]'::jsonb) || jsonb_to_tsvector('simple'::regconfig, output, '["string"]'::jsonb) || jsonb_to_tsvector('simple'::regconfig, reasons, '["string"]'::jsonb)))`);
        await queryRunner.query(`CREATE INDEX "reviews_search_idx" ON "reviews" USING gin (to_tsvector('simple'::regconfig, (COALESCE(reason, ''::text) || ' '::text) || COALESCE(comment, ''::text)))`);
        await queryRunner.query(`CREATE INDEX "item_comments_search_idx" ON "item_comments" USING gin (to_tsvector('simple'::regconfig, body))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."item_comments_search_idx"`);
        await queryRunner.query(`DROP INDEX "public"."reviews_search_idx"`);
        await queryRunner.query(`DROP INDEX "public"."items_search_idx"`);
        await queryRunner.query(`DROP INDEX "public"."items_external_id_idx"`);
        await queryRunner.query(`DROP INDEX "public"."items_created_idx"`);
        await queryRunner.query(`DROP INDEX "public"."items_model_created_idx"`);
        await queryRunner.query(`DROP INDEX "public"."items_status_created_idx"`);
        await queryRunner.query(`ALTER TABLE "items" DROP COLUMN "comment_count"`);
        await queryRunner.query(`DROP INDEX "public"."item_comments_item_idx"`);
        await queryRunner.query(`DROP TABLE "item_comments"`);
    }

}
