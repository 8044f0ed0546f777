export { startTestData } from './bootstrap';
export { migrateTestData, createTestDataDataSource, testDataDataSourceOptions } from '@mes/test-data-store';
export { ExportsModule } from './exports/exports.module';
export { unpackFloat32 } from './spectra/packed-values';
