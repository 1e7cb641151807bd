import { MigrationInterface, QueryRunner } from "typeorm";

export class ReviewRubric1796024000000 implements MigrationInterface {
    name = 'ReviewRubric1796024000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "queues" ADD "guidelines" text`);
        await queryRunner.query(`ALTER TABLE "queues" ADD "questions" jsonb NOT NULL DEFAULT '[]'`);
        await queryRunner.query(`ALTER TABLE "policy_versions" ADD "guidelines" text`);
        await queryRunner.query(`ALTER TABLE "policy_versions" ADD "questions" jsonb`);
        await queryRunner.query(`ALTER TABLE "reviews" ADD "answers" jsonb`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "reviews" DROP COLUMN "answers"`);
        await queryRunner.query(`ALTER TABLE "policy_versions" DROP COLUMN "questions"`);
        await queryRunner.query(`ALTER TABLE "policy_versions" DROP COLUMN "guidelines"`);
        await queryRunner.query(`ALTER TABLE "queues" DROP COLUMN "questions"`);
        await queryRunner.query(`ALTER TABLE "queues" DROP COLUMN "guidelines"`);
    }

}
