import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The review line lives in Postgres alone (items_review_line_idx): no BullMQ job per waiting item,
 * so no outbox telling a sweeper which jobs are missing. Its rows only ever named items already
 * in the line, so dropping them loses nothing.
 */
export class DropReviewLineOutbox1796030000000 implements MigrationInterface {
    name = 'DropReviewLineOutbox1796030000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "review_line_outbox"`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "review_line_outbox" ("item_id" uuid NOT NULL, "queued_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_9f361e75362fff64d8fb803c0e4" PRIMARY KEY ("item_id"))`);
    }

}
