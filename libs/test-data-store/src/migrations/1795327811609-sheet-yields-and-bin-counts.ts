import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SheetYieldsAndBinCounts1795327811609 implements MigrationInterface {
  name = 'SheetYieldsAndBinCounts1795327811609';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "test_data"."sheet_yields" ("sheet_barcode" character varying(64) NOT NULL, "roll_barcode" character varying(64) NOT NULL, "cells_tested" integer NOT NULL, "first_pass" integer NOT NULL, "final_pass" integer NOT NULL, CONSTRAINT "PK_b2bec9963bd4e09e2859ba40003" PRIMARY KEY ("sheet_barcode"))`);
    await queryRunner.query(`CREATE INDEX "ix_sheet_yields_roll" ON "test_data"."sheet_yields"  ("roll_barcode") `);
    await queryRunner.query(`CREATE TABLE "test_data"."sheet_bin_counts" ("sheet_barcode" character varying(64) NOT NULL, "soft_bin" smallint NOT NULL, "hard_bin" smallint NOT NULL, "bin_name" character varying(32) NOT NULL, "roll_barcode" character varying(64) NOT NULL, "cells" integer NOT NULL, CONSTRAINT "PK_1bb9a516ce25c2253784f5c5bb5" PRIMARY KEY ("sheet_barcode", "soft_bin", "hard_bin", "bin_name"))`);
    await queryRunner.query(`CREATE INDEX "ix_sheet_bin_counts_roll" ON "test_data"."sheet_bin_counts"  ("roll_barcode") `);
    // The aggregates of the results binned before this migration; the worker keeps them from now on.
    await queryRunner.query(`INSERT INTO "test_data"."sheet_yields"
      SELECT sheet_barcode, min(roll_barcode), count(*), count(*) FILTER (WHERE first_soft_bin BETWEEN 1 AND 9), count(*) FILTER (WHERE soft_bin BETWEEN 1 AND 9)
        FROM "test_data"."current_cell_results" GROUP BY sheet_barcode`);
    await queryRunner.query(`INSERT INTO "test_data"."sheet_bin_counts"
      SELECT sheet_barcode, soft_bin, hard_bin, bin_name, min(roll_barcode), count(*)
        FROM "test_data"."current_cell_results" GROUP BY sheet_barcode, soft_bin, hard_bin, bin_name`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "test_data"."ix_sheet_bin_counts_roll"`);
    await queryRunner.query(`DROP TABLE "test_data"."sheet_bin_counts"`);
    await queryRunner.query(`DROP INDEX "test_data"."ix_sheet_yields_roll"`);
    await queryRunner.query(`DROP TABLE "test_data"."sheet_yields"`);
  }
}
