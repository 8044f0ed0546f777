import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Trace batches and their channels become tables partitioned by the month (UTC) of their run's
 * start, which each row now carries (run_started_at), so a run's batches sit in one partition even
 * when the run crosses a month's end. The rows already stored are copied into the new tables (every
 * one to its run's month) and the old tables dropped, in the migration's transaction. Partitions are
 * made from the oldest run's month to three months ahead; the process service keeps making them
 * ahead after that (trace-partitions.ts).
 */
const TABLES = [
  {
    name: 'trace_batches',
    oldPk: 'PK_a7b178f642f2f287e24085b5e0c',
    newPk: 'PK_568053c78d35ba910a6bd286ba6',
    columns: `"run_id" uuid NOT NULL, "batch_id" character varying(100) NOT NULL, "content_hash" character(64) NOT NULL, "samples" integer NOT NULL, "first_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_at" TIMESTAMP WITH TIME ZONE NOT NULL, "t0_ms" double precision NOT NULL, "md0_mm" double precision NOT NULL, "md_min_mm" double precision NOT NULL, "md_max_mm" double precision NOT NULL, "t_s" bytea NOT NULL, "md_mm" bytea NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`,
    names: 'run_id, batch_id, content_hash, samples, first_at, last_at, t0_ms, md0_mm, md_min_mm, md_max_mm, t_s, md_mm, received_at',
    key: '"run_id", "batch_id"',
    index: { name: 'ix_trace_batches_md', columns: '"run_id", "md_min_mm"' },
  },
  {
    name: 'trace_channels',
    oldPk: 'PK_73dc5c47be0020858d8d55b742b',
    newPk: 'PK_142bdec1a8cea071344668326da',
    columns: `"run_id" uuid NOT NULL, "batch_id" character varying(100) NOT NULL, "channel" character varying(32) NOT NULL, "unit" character varying(16) NOT NULL, "zone_offset_mm" double precision NOT NULL, "values" bytea NOT NULL, "min" double precision NOT NULL, "max" double precision NOT NULL, "mean" double precision NOT NULL`,
    names: 'run_id, batch_id, channel, unit, zone_offset_mm, values, min, max, mean',
    key: '"run_id", "batch_id", "channel"',
    index: { name: 'ix_trace_channels_lookup', columns: '"run_id", "channel"' },
  },
];

export class TraceMonthPartitions1796230000000 implements MigrationInterface {
  name = 'TraceMonthPartitions1796230000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const t of TABLES) {
      const orphans = await queryRunner.query(
        `SELECT count(*)::int AS n FROM "process"."${t.name}" x WHERE NOT EXISTS (SELECT 1 FROM "process"."process_runs" r WHERE r.id = x.run_id)`,
      );
      if (orphans[0].n > 0) {
        throw new Error(`process.${t.name} has ${orphans[0].n} rows of no process run: they have no month to go to; resolve them before migrating`);
      }
      await queryRunner.query(`DROP INDEX "process"."${t.index.name}"`);
      await queryRunner.query(`ALTER TABLE "process"."${t.name}" RENAME TO "${t.name}_unpartitioned"`);
      await queryRunner.query(`ALTER TABLE "process"."${t.name}_unpartitioned" RENAME CONSTRAINT "${t.oldPk}" TO "${t.oldPk}_old"`);
      await queryRunner.query(
        `CREATE TABLE "process"."${t.name}" (${t.columns}, "run_started_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "${t.newPk}" PRIMARY KEY (${t.key}, "run_started_at")) PARTITION BY RANGE ("run_started_at")`,
      );
      await queryRunner.query(`CREATE INDEX "${t.index.name}" ON "process"."${t.name}" (${t.index.columns})`);
    }
    // One partition per table and month, from the oldest run's month (or this one) to three ahead.
    await queryRunner.query(`
      DO $$
      DECLARE
        m timestamptz := date_trunc('month', coalesce((SELECT min(started_at) FROM process.process_runs), now()) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
        last timestamptz := date_trunc('month', greatest(now(), coalesce((SELECT max(started_at) FROM process.process_runs), now())) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '3 months';
        t text;
      BEGIN
        WHILE m <= last LOOP
          FOREACH t IN ARRAY ARRAY['trace_batches', 'trace_channels'] LOOP
            EXECUTE format('CREATE TABLE process.%I PARTITION OF process.%I FOR VALUES FROM (%L) TO (%L)',
                           t || '_p' || to_char(m AT TIME ZONE 'UTC', 'YYYY_MM'), t,
                           to_char(m AT TIME ZONE 'UTC', 'YYYY-MM-DD"T00:00:00Z"'),
                           to_char((m AT TIME ZONE 'UTC') + interval '1 month', 'YYYY-MM-DD"T00:00:00Z"'));
          END LOOP;
          m := ((m AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC';
        END LOOP;
      END $$`);
    for (const t of TABLES) {
      await queryRunner.query(
        `INSERT INTO "process"."${t.name}" (${t.names}, run_started_at)
         SELECT ${t.names
           .split(', ')
           .map((c) => `x.${c}`)
           .join(', ')}, r.started_at
           FROM "process"."${t.name}_unpartitioned" x JOIN "process"."process_runs" r ON r.id = x.run_id`,
      );
      await queryRunner.query(`DROP TABLE "process"."${t.name}_unpartitioned"`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const archived = await queryRunner.query(
      `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'process_archive' AND c.relkind = 'r'`,
    );
    if (archived[0].n > 0) {
      throw new Error('archived months are in process_archive: attach them (npm run partitions -- attach <month>) before reverting the partitioning');
    }
    for (const t of [...TABLES].reverse()) {
      await queryRunner.query(`DROP INDEX "process"."${t.index.name}"`);
      await queryRunner.query(`ALTER TABLE "process"."${t.name}" RENAME TO "${t.name}_partitioned"`);
      await queryRunner.query(`ALTER TABLE "process"."${t.name}_partitioned" RENAME CONSTRAINT "${t.newPk}" TO "${t.newPk}_old"`);
      await queryRunner.query(`CREATE TABLE "process"."${t.name}" (${t.columns}, CONSTRAINT "${t.oldPk}" PRIMARY KEY (${t.key}))`);
      await queryRunner.query(`CREATE INDEX "${t.index.name}" ON "process"."${t.name}" (${t.index.columns})`);
      await queryRunner.query(`INSERT INTO "process"."${t.name}" (${t.names}) SELECT ${t.names} FROM "process"."${t.name}_partitioned"`);
      await queryRunner.query(`DROP TABLE "process"."${t.name}_partitioned"`);
    }
    await queryRunner.query(`DROP SCHEMA IF EXISTS "process_archive"`);
  }
}
