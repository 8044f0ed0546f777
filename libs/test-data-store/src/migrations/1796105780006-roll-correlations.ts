import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RollCorrelations1796105780006 implements MigrationInterface {
  name = 'RollCorrelations1796105780006';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "test_data"."roll_correlations" ("roll_barcode" character varying(64) NOT NULL, "metric" character varying(16) NOT NULL, "status" character varying(12) NOT NULL, "result" jsonb, "error" text, "requested_by" character varying(64) NOT NULL, "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL, "completed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_6e7dbde40203ebaf199096171a9" PRIMARY KEY ("roll_barcode", "metric"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "test_data"."roll_correlations"`);
  }
}
