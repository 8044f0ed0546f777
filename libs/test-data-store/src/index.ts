export { migrateTestData, createTestDataDataSource, testDataDataSourceOptions } from './test-data-data-source';
export * from './test-data.entities';
export * from './sheet-test.store';
export * from './metric-columns';
export * from './rule-set.queries';
export * from './sweep.queries';
export * from './partitions';
