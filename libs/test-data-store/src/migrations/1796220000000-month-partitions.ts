import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Raw sheet-test cells, cell features and cell results become tables partitioned by the month (UTC)
 * of their test's received_at, which each row now carries. The rows already stored are copied into
 * the new tables (every one to its test's month) and the old tables dropped, in the migration's
 * transaction. Partitions are made from the oldest test's month to three months ahead; the
 * test-data service keeps making them ahead after that (partitions.ts).
 */
const TABLES = [
  {
    name: 'sheet_test_cells',
    oldPk: 'PK_0e546a9481ea4f0d68d83870d62',
    newPk: 'PK_1433ad621e0de73db0e41a7be57',
    columns: `"sheet_test_id" uuid NOT NULL, "row" smallint NOT NULL, "col" smallint NOT NULL, "status" text NOT NULL, "ocv_v" double precision, "spectrum" bytea`,
    names: 'sheet_test_id, row, col, status, ocv_v, spectrum',
    key: '"sheet_test_id", "row", "col"',
  },
  {
    name: 'cell_features',
    oldPk: 'PK_50decb87e7bea3b2dd9d5503559',
    newPk: 'PK_3292f80a3e64d241ffbbfee5577',
    columns: `"sheet_test_id" uuid NOT NULL, "row" smallint NOT NULL, "col" smallint NOT NULL, "status" text NOT NULL, "ocv_v" double precision, "features" jsonb`,
    names: 'sheet_test_id, row, col, status, ocv_v, features',
    key: '"sheet_test_id", "row", "col"',
  },
  {
    name: 'cell_results',
    oldPk: 'PK_470f7bcdfb492891dbaf841d018',
    newPk: 'PK_9cc289b651f31e5badd735f601e',
    columns: `"sheet_test_id" uuid NOT NULL, "row" smallint NOT NULL, "col" smallint NOT NULL, "rule_set_version" integer NOT NULL, "sheet_barcode" character varying(64) NOT NULL, "ocv_v" double precision, "r_ohmic_ohm" double precision, "r_ct_ohm" double precision, "asr_ohm_cm2" double precision, "features" jsonb, "soft_bin" smallint NOT NULL, "hard_bin" smallint NOT NULL, "bin_name" character varying(32) NOT NULL, "rule_id" character varying(64) NOT NULL, "rule_set_name" character varying(64) NOT NULL, "reason" text, "md_mm" double precision, "cd_mm" double precision, "deciding_defect" character varying(80)`,
    names:
      'sheet_test_id, row, col, rule_set_version, sheet_barcode, ocv_v, r_ohmic_ohm, r_ct_ohm, asr_ohm_cm2, features, soft_bin, hard_bin, bin_name, rule_id, rule_set_name, reason, md_mm, cd_mm, deciding_defect',
    key: '"sheet_test_id", "row", "col", "rule_set_version"',
  },
];

export class MonthPartitions1796220000000 implements MigrationInterface {
  name = 'MonthPartitions1796220000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const t of TABLES) {
      const orphans = await queryRunner.query(
        `SELECT count(*)::int AS n FROM "test_data"."${t.name}" x WHERE NOT EXISTS (SELECT 1 FROM "test_data"."sheet_tests" s WHERE s.id = x.sheet_test_id)`,
      );
      if (orphans[0].n > 0) {
        throw new Error(`test_data.${t.name} has ${orphans[0].n} rows of no sheet test: they have no month to go to; resolve them before migrating`);
      }
      await queryRunner.query(`ALTER TABLE "test_data"."${t.name}" RENAME TO "${t.name}_unpartitioned"`);
      await queryRunner.query(`ALTER TABLE "test_data"."${t.name}_unpartitioned" RENAME CONSTRAINT "${t.oldPk}" TO "${t.oldPk}_old"`);
      await queryRunner.query(
        `CREATE TABLE "test_data"."${t.name}" (${t.columns}, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "${t.newPk}" PRIMARY KEY (${t.key}, "received_at")) PARTITION BY RANGE ("received_at")`,
      );
    }
    await queryRunner.query(`DROP INDEX "test_data"."ix_cell_results_sheet"`);
    await queryRunner.query(`CREATE INDEX "ix_cell_results_sheet" ON "test_data"."cell_results" ("sheet_barcode", "row", "col")`);
    // One partition per table and month, from the oldest test's month (or this one) to three ahead.
    await queryRunner.query(`
      DO $$
      DECLARE
        m timestamptz := date_trunc('month', coalesce((SELECT min(received_at) FROM test_data.sheet_tests), now()) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
        last timestamptz := date_trunc('month', greatest(now(), coalesce((SELECT max(received_at) FROM test_data.sheet_tests), now())) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '3 months';
        t text;
      BEGIN
        WHILE m <= last LOOP
          FOREACH t IN ARRAY ARRAY['sheet_test_cells', 'cell_features', 'cell_results'] LOOP
            EXECUTE format('CREATE TABLE test_data.%I PARTITION OF test_data.%I FOR VALUES FROM (%L) TO (%L)',
                           t || '_p' || to_char(m AT TIME ZONE 'UTC', 'YYYY_MM'), t,
                           to_char(m AT TIME ZONE 'UTC', 'YYYY-MM-DD"T00:00:00Z"'),
                           to_char((m AT TIME ZONE 'UTC') + interval '1 month', 'YYYY-MM-DD"T00:00:00Z"'));
          END LOOP;
          m := ((m AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC';
        END LOOP;
      END $$`);
    for (const t of TABLES) {
      await queryRunner.query(
        `INSERT INTO "test_data"."${t.name}" (${t.names}, received_at)
         SELECT ${t.names
           .split(', ')
           .map((c) => `x.${c}`)
           .join(', ')}, s.received_at
           FROM "test_data"."${t.name}_unpartitioned" x JOIN "test_data"."sheet_tests" s ON s.id = x.sheet_test_id`,
      );
      await queryRunner.query(`DROP TABLE "test_data"."${t.name}_unpartitioned"`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const archived = await queryRunner.query(
      `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'test_data_archive' AND c.relkind = 'r'`,
    );
    if (archived[0].n > 0) {
      throw new Error('archived months are in test_data_archive: attach them (npm run partitions -- attach <month>) before reverting the partitioning');
    }
    for (const t of [...TABLES].reverse()) {
      await queryRunner.query(`ALTER TABLE "test_data"."${t.name}" RENAME TO "${t.name}_partitioned"`);
      await queryRunner.query(`ALTER TABLE "test_data"."${t.name}_partitioned" RENAME CONSTRAINT "${t.newPk}" TO "${t.newPk}_old"`);
      await queryRunner.query(`CREATE TABLE "test_data"."${t.name}" (${t.columns}, CONSTRAINT "${t.oldPk}" PRIMARY KEY (${t.key}))`);
      await queryRunner.query(`INSERT INTO "test_data"."${t.name}" (${t.names}) SELECT ${t.names} FROM "test_data"."${t.name}_partitioned"`);
      if (t.name === 'cell_results') {
        await queryRunner.query(`DROP INDEX "test_data"."ix_cell_results_sheet"`);
        await queryRunner.query(`CREATE INDEX "ix_cell_results_sheet" ON "test_data"."cell_results" ("sheet_barcode", "row", "col")`);
      }
      await queryRunner.query(`DROP TABLE "test_data"."${t.name}_partitioned"`);
    }
    await queryRunner.query(`DROP SCHEMA IF EXISTS "test_data_archive"`);
  }
}
