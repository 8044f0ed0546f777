import { describeServiceSchema } from '@mes/testing';
import { migrateProcess, processDataSourceOptions } from './process-data-source';

describe('process schema', () => {
  describeServiceSchema({
    label: 'procschema',
    migrate: migrateProcess,
    options: processDataSourceOptions,
    table: 'process.process_runs',
    auditInsert: `INSERT INTO process.audit_records (actor, action, entity_type, entity_id, details) VALUES ('a', 'X', 'RECIPE', 'R@1', '{}')`,
  });
});
