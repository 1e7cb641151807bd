import { MigrationInterface, QueryRunner } from 'typeorm';

export class ItemsReviewedBy1795309651980 implements MigrationInterface {
  name = 'ItemsReviewedBy1795309651980';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "items" ADD "reviewed_by" uuid array NOT NULL DEFAULT '{}'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "items" DROP COLUMN "reviewed_by"`);
  }
}
