import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PickResults1796105961357 implements MigrationInterface {
  name = 'PickResults1796105961357';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "test_data"."pick_result_cells" ("sheet_barcode" character varying(64) NOT NULL, "row" smallint NOT NULL, "col" smallint NOT NULL, "code" smallint NOT NULL, "description" character varying(64) NOT NULL, "picked" boolean NOT NULL, "imported_at" TIMESTAMP WITH TIME ZONE NOT NULL, "imported_by" character varying(64) NOT NULL, CONSTRAINT "PK_c724eaa48ee9fbec03ecea9ba4f" PRIMARY KEY ("sheet_barcode", "row", "col"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "test_data"."pick_result_cells"`);
  }
}
