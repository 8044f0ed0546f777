export { startTestData } from './bootstrap';
export { migrateTestData, createTestDataDataSource, testDataDataSourceOptions } from '@mes/test-data-store';
export { ExportsModule } from './exports/exports.module';
export { unpackFloat32 } from './spectra/packed-values';
// The analytics services, for the bench that times an SPC update through PostgreSQL (their
// repositories are @mes/test-data-store's).
export { AuditService } from './audit/audit.service';
export { SpcService } from './analytics/spc.service';
