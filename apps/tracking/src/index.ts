export { migrateTracking, startTracking } from './bootstrap';
export { createTrackingDataSource, trackingDataSourceOptions } from './database/tracking-data-source';
export { DEMO_LINE } from './seed/demo-line';
