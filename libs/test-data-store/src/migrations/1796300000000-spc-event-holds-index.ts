import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Finding the SPC holds a new violation may join asks which events hold one of tracking's active
 * holds; without an index that read every event the product ever had.
 */
export class SpcEventHoldsIndex1796300000000 implements MigrationInterface {
  name = 'SpcEventHoldsIndex1796300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The ids of the holds an event placed or joined, as a jsonb array of strings: `?|` asks for any of several in one test.
    await queryRunner.query(
      `CREATE INDEX "ix_spc_events_holds" ON "test_data"."spc_events" USING gin ((jsonb_path_query_array("holds", '$[*].holdId')))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "test_data"."ix_spc_events_holds"`);
  }
}
