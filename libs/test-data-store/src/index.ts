export { migrateTestData, createTestDataDataSource, testDataDataSourceOptions } from './test-data-data-source';
export * from './test-data.entities';
export { TestDataAuditRecordEntity } from './audit-record.entity';
export * from './sheet-test.store';
