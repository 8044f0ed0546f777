import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CellRollPositions1795322438749 implements MigrationInterface {
  name = 'CellRollPositions1795322438749';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "test_data"."sheet_tests" ADD "md_start_mm" double precision`);
    await queryRunner.query(`ALTER TABLE "test_data"."sheet_tests" ADD "layout" jsonb`);
    await queryRunner.query(`ALTER TABLE "test_data"."cell_results" ADD "md_mm" double precision`);
    await queryRunner.query(`ALTER TABLE "test_data"."cell_results" ADD "cd_mm" double precision`);
    await queryRunner.query(`CREATE INDEX "ix_sheet_tests_roll" ON "test_data"."sheet_tests"  ("roll_barcode") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "test_data"."ix_sheet_tests_roll"`);
    await queryRunner.query(`ALTER TABLE "test_data"."cell_results" DROP COLUMN "cd_mm"`);
    await queryRunner.query(`ALTER TABLE "test_data"."cell_results" DROP COLUMN "md_mm"`);
    await queryRunner.query(`ALTER TABLE "test_data"."sheet_tests" DROP COLUMN "layout"`);
    await queryRunner.query(`ALTER TABLE "test_data"."sheet_tests" DROP COLUMN "md_start_mm"`);
  }
}
