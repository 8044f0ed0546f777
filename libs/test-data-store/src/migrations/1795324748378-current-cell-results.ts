import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CurrentCellResults1795324748378 implements MigrationInterface {
  name = 'CurrentCellResults1795324748378';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "test_data"."current_cell_results" ("sheet_barcode" character varying(64) NOT NULL, "row" smallint NOT NULL, "col" smallint NOT NULL, "roll_barcode" character varying(64) NOT NULL, "sheet_test_id" uuid NOT NULL, "rule_set_version" integer NOT NULL, "tests" smallint NOT NULL, "first_soft_bin" smallint NOT NULL, "ocv_v" double precision, "r_ohmic_ohm" double precision, "r_ct_ohm" double precision, "asr_ohm_cm2" double precision, "soft_bin" smallint NOT NULL, "hard_bin" smallint NOT NULL, "bin_name" character varying(32) NOT NULL, "md_mm" double precision, "cd_mm" double precision, CONSTRAINT "PK_c13d7e4148c2bed6e43595dd43e" PRIMARY KEY ("sheet_barcode", "row", "col"))`);
    await queryRunner.query(`CREATE INDEX "ix_current_cell_results_roll" ON "test_data"."current_cell_results"  ("roll_barcode", "md_mm") `);
    // Cells binned before this table existed: the rule the maps used then (the newest valid result;
    // a rig fault only while there is none). The worker rewrites a sheet's rows with the full retest
    // convention the next time one of its tests is binned or re-binned.
    await queryRunner.query(`INSERT INTO "test_data"."current_cell_results"
      SELECT DISTINCT ON (r.sheet_barcode, r.row, r.col) r.sheet_barcode, r.row, r.col, t.roll_barcode, r.sheet_test_id, r.rule_set_version,
             count(*) OVER w, first_value(r.soft_bin) OVER (w ORDER BY t.received_at), r.ocv_v, r.r_ohmic_ohm, r.r_ct_ohm, r.asr_ohm_cm2,
             r.soft_bin, r.hard_bin, r.bin_name, r.md_mm, r.cd_mm
        FROM "test_data"."cell_results" r
        JOIN "test_data"."sheet_tests" t ON t.id = r.sheet_test_id AND r.rule_set_version = t.rule_set_version
      WINDOW w AS (PARTITION BY r.sheet_barcode, r.row, r.col)
       ORDER BY r.sheet_barcode, r.row, r.col, (r.soft_bin = 0), t.received_at DESC`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "test_data"."ix_current_cell_results_roll"`);
    await queryRunner.query(`DROP TABLE "test_data"."current_cell_results"`);
  }
}
