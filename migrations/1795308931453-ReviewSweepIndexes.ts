import { MigrationInterface, QueryRunner } from 'typeorm';

export class ReviewSweepIndexes1795308931453 implements MigrationInterface {
  name = 'ReviewSweepIndexes1795308931453';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "items" ADD "sla_fired_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `CREATE INDEX "items_released_by_idx" ON "items"  ("queue_id", "released_by") WHERE review_state = 'waiting' AND released_by IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "items_sla_due_idx" ON "items"  ("sla_due_at") WHERE sla_due_at IS NOT NULL AND sla_fired_at IS NULL AND status IN ('pending', 'in_review', 'escalated')`,
    );
    await queryRunner.query(
      `CREATE INDEX "items_lease_expiry_idx" ON "items"  ("lease_expires_at") WHERE review_state = 'claimed'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."items_lease_expiry_idx"`);
    await queryRunner.query(`DROP INDEX "public"."items_sla_due_idx"`);
    await queryRunner.query(`DROP INDEX "public"."items_released_by_idx"`);
    await queryRunner.query(`ALTER TABLE "items" DROP COLUMN "sla_fired_at"`);
  }
}
