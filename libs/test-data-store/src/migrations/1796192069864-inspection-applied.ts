import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InspectionApplied1796192069864 implements MigrationInterface {
  name = 'InspectionApplied1796192069864';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "test_data"."inspections" ADD "rebinned_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "test_data"."inspections" DROP COLUMN "rebinned_at"`);
  }
}
