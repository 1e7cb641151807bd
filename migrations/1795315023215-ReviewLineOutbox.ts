import { MigrationInterface, QueryRunner } from "typeorm";

export class ReviewLineOutbox1795315023215 implements MigrationInterface {
    name = 'ReviewLineOutbox1795315023215'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."items_line_unpushed_idx"`);
        await queryRunner.query(`CREATE TABLE "review_line_outbox" ("item_id" uuid NOT NULL, "queued_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_9f361e75362fff64d8fb803c0e4" PRIMARY KEY ("item_id"))`);
        await queryRunner.query(`ALTER TABLE "items" DROP COLUMN "line_pushed_at"`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "items" ADD "line_pushed_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`DROP TABLE "review_line_outbox"`);
        await queryRunner.query(`CREATE INDEX "items_line_unpushed_idx" ON "items" USING btree ("queued_at") WHERE ((line_pushed_at IS NULL) AND (review_state <> 'none'::text))`);
    }

}
