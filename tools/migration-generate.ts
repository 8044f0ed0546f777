/**
 * Writes a migration with the SQL that brings a database migrated to the current head in line
 * with the entities: `npm run migration:generate -- tracking <Name>`.
 * Works in a scratch database that it creates and drops.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createAssemblyDataSource } from '@mes/assembly-service';
import { createTestDataDataSource } from '@mes/test-data-store';
import { createProcessDataSource } from '@mes/process-service';
import { createTrackingDataSource } from '@mes/tracking';

const SERVICES: Record<string, { create: (url: string) => DataSource; dir: string; schema: string }> = {
  tracking: { create: createTrackingDataSource, dir: 'apps/tracking/src/database/migrations', schema: 'tracking' },
  'test-data': { create: createTestDataDataSource, dir: 'libs/test-data-store/src/migrations', schema: 'test_data' },
  process: { create: createProcessDataSource, dir: 'apps/process/src/database/migrations', schema: 'process' },
  assembly: { create: createAssemblyDataSource, dir: 'apps/assembly/src/database/migrations', schema: 'assembly' },
};

async function main() {
  const [service, name] = process.argv.slice(2);
  const target = SERVICES[service];
  if (!target || !name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
    throw new Error(`usage: migration:generate <${Object.keys(SERVICES).join('|')}> <PascalCaseName>`);
  }
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const scratch = `mes_migration_${process.pid}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${scratch}`);
  const url = new URL(base);
  url.pathname = `/${scratch}`;
  const ds = target.create(url.toString());
  try {
    await ds.initialize();
    await ds.query(`CREATE SCHEMA IF NOT EXISTS ${target.schema}`);
    await ds.runMigrations();
    const sql = await ds.driver.createSchemaBuilder().log();
    if (sql.upQueries.length === 0) {
      console.log('entities and migrations agree: nothing to generate');
      return;
    }
    const stamp = Date.now();
    const q = (s: string) => '`' + s.replace(/`/g, '\\`') + '`';
    const body = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${name}${stamp} implements MigrationInterface {
  name = '${name}${stamp}';

  async up(queryRunner: QueryRunner): Promise<void> {
${sql.upQueries.map((x) => `    await queryRunner.query(${q(x.query)});`).join('\n')}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${sql.downQueries
  .reverse()
  .map((x) => `    await queryRunner.query(${q(x.query)});`)
  .join('\n')}
  }
}
`;
    const file = path.join(target.dir, `${stamp}-${name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}.ts`);
    writeFileSync(file, body);
    console.log(`wrote ${file}: add it to ${target.dir}/index.ts`);
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${scratch}`);
    await admin.end();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
