import { describeServiceSchema } from '@mes/testing';
import { assemblyDataSourceOptions, migrateAssembly } from './assembly-data-source';

describe('assembly schema', () => {
  describeServiceSchema({
    label: 'asmschema',
    migrate: migrateAssembly,
    options: assemblyDataSourceOptions,
    table: 'assembly.stacks',
    auditInsert: `INSERT INTO assembly.audit_records (actor, action, entity_type, entity_id, details) VALUES ('a', 'X', 'Stack', 'STK-1', '{}')`,
  });
});
