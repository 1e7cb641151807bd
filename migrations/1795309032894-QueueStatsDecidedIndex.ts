import { MigrationInterface, QueryRunner } from "typeorm";

export class QueueStatsDecidedIndex1795309032894 implements MigrationInterface {
    name = 'QueueStatsDecidedIndex1795309032894'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX "items_queue_decided_idx" ON "items"  ("queue_id", "decided_at") WHERE decided_at IS NOT NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."items_queue_decided_idx"`);
    }

}
