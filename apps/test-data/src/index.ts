export { startTestData } from './bootstrap';
export { migrateTestData, createTestDataDataSource, testDataDataSourceOptions } from '@mes/test-data-store';
export { ExportsModule } from './exports/exports.module';
export { unpackFloat32 } from './spectra/packed-values';
// The analytics services, for the bench that times an SPC update through PostgreSQL.
export { AuditService } from './audit/audit.service';
export { AuditTrailRepository } from './audit/audit-trail.repository';
export { SheetMapsRepository } from './analytics/sheet-maps.repository';
export { SpcRepository } from './analytics/spc.repository';
export { SpcService } from './analytics/spc.service';
