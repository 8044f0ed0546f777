import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Inspections1796190034384 implements MigrationInterface {
  name = 'Inspections1796190034384';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "test_data"."inspections" ("id" uuid NOT NULL, "inspection_id" character varying(64) NOT NULL, "content_hash" character(64) NOT NULL, "rig_id" bigint NOT NULL, "sheet_barcode" character varying(64) NOT NULL, "roll_barcode" character varying(64) NOT NULL, "product_code" character varying(64), "md_start_mm" double precision, "layout" jsonb NOT NULL, "offset_md_mm" double precision NOT NULL, "offset_cd_mm" double precision NOT NULL, "rotation_deg" double precision NOT NULL, "inspected_at" TIMESTAMP WITH TIME ZONE NOT NULL, "defect_count" integer NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a484980015782324454d8c88abe" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_inspections_inspection_id" ON "test_data"."inspections"  ("inspection_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_inspections_roll" ON "test_data"."inspections"  ("roll_barcode") `);
    await queryRunner.query(`CREATE INDEX "IDX_inspections_sheet" ON "test_data"."inspections"  ("sheet_barcode", "inspected_at") `);
    await queryRunner.query(`CREATE TABLE "test_data"."inspection_defects" ("inspection_uuid" uuid NOT NULL, "seq" integer NOT NULL, "sheet_barcode" character varying(64) NOT NULL, "defect_class" character varying(16) NOT NULL, "md_mm" double precision NOT NULL, "cd_mm" double precision NOT NULL, "size_um" double precision NOT NULL, "image_ref" character varying(512), "zone" character varying(8) NOT NULL, "row" smallint NOT NULL, "col" smallint NOT NULL, CONSTRAINT "PK_1e98eb6692c065cd79ba612d42a" PRIMARY KEY ("inspection_uuid", "seq"))`);
    await queryRunner.query(`CREATE INDEX "IDX_inspection_defects_cell" ON "test_data"."inspection_defects"  ("sheet_barcode", "row", "col") `);
    await queryRunner.query(`ALTER TABLE "test_data"."cell_results" ADD "deciding_defect" character varying(80)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "test_data"."cell_results" DROP COLUMN "deciding_defect"`);
    await queryRunner.query(`DROP INDEX "test_data"."IDX_inspection_defects_cell"`);
    await queryRunner.query(`DROP TABLE "test_data"."inspection_defects"`);
    await queryRunner.query(`DROP INDEX "test_data"."IDX_inspections_sheet"`);
    await queryRunner.query(`DROP INDEX "test_data"."IDX_inspections_roll"`);
    await queryRunner.query(`DROP INDEX "test_data"."UQ_inspections_inspection_id"`);
    await queryRunner.query(`DROP TABLE "test_data"."inspections"`);
  }
}
