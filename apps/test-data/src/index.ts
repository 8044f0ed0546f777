export { startTestData } from './bootstrap';
export { migrateTestData, createTestDataDataSource, testDataDataSourceOptions } from './database/test-data-data-source';
export { ExportsModule } from './exports/exports.module';
