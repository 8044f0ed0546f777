import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RollMapAggregates1795325335895 implements MigrationInterface {
  name = 'RollMapAggregates1795325335895';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "test_data"."sheet_map_tiles" ("sheet_barcode" character varying(64) NOT NULL, "md_bin" integer NOT NULL, "cd_bin" integer NOT NULL, "roll_barcode" character varying(64) NOT NULL, "md_step_mm" double precision NOT NULL, "cd_step_mm" double precision NOT NULL, "n_ocv_v" integer NOT NULL, "sum_ocv_v" double precision NOT NULL, "n_r_ohmic_ohm" integer NOT NULL, "sum_r_ohmic_ohm" double precision NOT NULL, "n_r_ct_ohm" integer NOT NULL, "sum_r_ct_ohm" double precision NOT NULL, "n_asr_ohm_cm2" integer NOT NULL, "sum_asr_ohm_cm2" double precision NOT NULL, "n_soft_bin" integer NOT NULL, "sum_soft_bin" double precision NOT NULL, CONSTRAINT "PK_e8740e0aa44c9e884371027f1d3" PRIMARY KEY ("sheet_barcode", "md_bin", "cd_bin"))`);
    await queryRunner.query(`CREATE INDEX "ix_sheet_map_tiles_roll" ON "test_data"."sheet_map_tiles"  ("roll_barcode", "md_bin") `);
    await queryRunner.query(`CREATE TABLE "test_data"."roll_map_rows" ("roll_barcode" character varying(64) NOT NULL, "md_bin" integer NOT NULL, "n_ocv_v" integer array NOT NULL, "sum_ocv_v" double precision array NOT NULL, "n_r_ohmic_ohm" integer array NOT NULL, "sum_r_ohmic_ohm" double precision array NOT NULL, "n_r_ct_ohm" integer array NOT NULL, "sum_r_ct_ohm" double precision array NOT NULL, "n_asr_ohm_cm2" integer array NOT NULL, "sum_asr_ohm_cm2" double precision array NOT NULL, "n_soft_bin" integer array NOT NULL, "sum_soft_bin" double precision array NOT NULL, CONSTRAINT "PK_b259e7520680a6c65ba2325e8a3" PRIMARY KEY ("roll_barcode", "md_bin"))`);
    await queryRunner.query(`CREATE TABLE "test_data"."roll_maps" ("roll_barcode" character varying(64) NOT NULL, "md_step_mm" double precision NOT NULL, "cd_step_mm" double precision NOT NULL, "version" integer NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_84b9790dd31e7cea6f40c1ba341" PRIMARY KEY ("roll_barcode"))`);
    // Aggregates of the results binned before this migration, at each roll's base steps (the layout
    // of its first test: one sheet length by one cell pitch); the worker keeps them up to date from now on.
    await queryRunner.query(`INSERT INTO "test_data"."sheet_map_tiles"
      SELECT c.sheet_barcode, floor(c.md_mm / b.md)::int, floor(c.cd_mm / b.cd)::int, c.roll_barcode, b.md, b.cd, count(c.ocv_v), coalesce(sum(c.ocv_v), 0), count(c.r_ohmic_ohm), coalesce(sum(c.r_ohmic_ohm), 0), count(c.r_ct_ohm), coalesce(sum(c.r_ct_ohm), 0), count(c.asr_ohm_cm2), coalesce(sum(c.asr_ohm_cm2), 0), count(c.soft_bin), coalesce(sum(c.soft_bin), 0)
        FROM "test_data"."current_cell_results" c
        JOIN LATERAL (SELECT (t.layout->>'sheetLengthMdMm')::float8 AS md, (t.layout->>'pitchCdMm')::float8 AS cd FROM "test_data"."sheet_tests" t
                       WHERE t.roll_barcode = c.roll_barcode AND t.layout IS NOT NULL ORDER BY t.received_at, t.id LIMIT 1) b ON true
       WHERE c.md_mm IS NOT NULL AND c.cd_mm IS NOT NULL
       GROUP BY c.sheet_barcode, 2, 3, c.roll_barcode, b.md, b.cd`);
    await queryRunner.query(`INSERT INTO "test_data"."roll_map_rows"
      WITH t AS (SELECT roll_barcode, md_bin, cd_bin, sum(n_ocv_v) AS n_ocv_v, sum(sum_ocv_v) AS sum_ocv_v, sum(n_r_ohmic_ohm) AS n_r_ohmic_ohm, sum(sum_r_ohmic_ohm) AS sum_r_ohmic_ohm, sum(n_r_ct_ohm) AS n_r_ct_ohm, sum(sum_r_ct_ohm) AS sum_r_ct_ohm, sum(n_asr_ohm_cm2) AS n_asr_ohm_cm2, sum(sum_asr_ohm_cm2) AS sum_asr_ohm_cm2, sum(n_soft_bin) AS n_soft_bin, sum(sum_soft_bin) AS sum_soft_bin
                   FROM "test_data"."sheet_map_tiles" WHERE cd_bin >= 0 GROUP BY roll_barcode, md_bin, cd_bin),
           g AS (SELECT roll_barcode, md_bin, generate_series(0, max(cd_bin)) AS cd_bin FROM t GROUP BY roll_barcode, md_bin)
      SELECT g.roll_barcode, g.md_bin, array_agg(coalesce(t.n_ocv_v, 0)::int ORDER BY g.cd_bin), array_agg(coalesce(t.sum_ocv_v, 0) ORDER BY g.cd_bin), array_agg(coalesce(t.n_r_ohmic_ohm, 0)::int ORDER BY g.cd_bin), array_agg(coalesce(t.sum_r_ohmic_ohm, 0) ORDER BY g.cd_bin), array_agg(coalesce(t.n_r_ct_ohm, 0)::int ORDER BY g.cd_bin), array_agg(coalesce(t.sum_r_ct_ohm, 0) ORDER BY g.cd_bin), array_agg(coalesce(t.n_asr_ohm_cm2, 0)::int ORDER BY g.cd_bin), array_agg(coalesce(t.sum_asr_ohm_cm2, 0) ORDER BY g.cd_bin), array_agg(coalesce(t.n_soft_bin, 0)::int ORDER BY g.cd_bin), array_agg(coalesce(t.sum_soft_bin, 0) ORDER BY g.cd_bin)
        FROM g LEFT JOIN t USING (roll_barcode, md_bin, cd_bin) GROUP BY g.roll_barcode, g.md_bin`);
    await queryRunner.query(`INSERT INTO "test_data"."roll_maps"
      SELECT roll_barcode, min(md_step_mm), min(cd_step_mm), 1, now() FROM "test_data"."sheet_map_tiles" GROUP BY roll_barcode`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "test_data"."roll_maps"`);
    await queryRunner.query(`DROP TABLE "test_data"."roll_map_rows"`);
    await queryRunner.query(`DROP INDEX "test_data"."ix_sheet_map_tiles_roll"`);
    await queryRunner.query(`DROP TABLE "test_data"."sheet_map_tiles"`);
  }
}
