import { describeServiceSchema } from '@mes/testing';
import { migrateTestData, testDataDataSourceOptions } from './test-data-data-source';

describe('test_data schema', () => {
  describeServiceSchema({
    label: 'tdschema',
    migrate: migrateTestData,
    options: testDataDataSourceOptions,
    table: 'test_data.sheet_tests',
  });
});
