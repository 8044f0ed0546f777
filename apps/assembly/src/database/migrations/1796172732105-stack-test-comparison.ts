import type { MigrationInterface, QueryRunner } from 'typeorm';

export class StackTestComparison1796172732105 implements MigrationInterface {
  name = 'StackTestComparison1796172732105';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "assembly"."stack_tests" ADD "comparison" jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "assembly"."stack_tests" DROP COLUMN "comparison"`);
  }
}
