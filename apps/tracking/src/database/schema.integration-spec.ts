import { describeServiceSchema } from '@mes/testing';
import { migrateTracking } from '../bootstrap';
import { trackingDataSourceOptions } from './tracking-data-source';

describe('tracking schema', () => {
  describeServiceSchema({
    label: 'schema',
    migrate: migrateTracking,
    options: trackingDataSourceOptions,
    table: 'tracking.rolls',
    auditInsert: `INSERT INTO tracking.audit_records (actor, action, entity_type, entity_key) VALUES ('t', 'TEST', 'X', '1')`,
  });
});
