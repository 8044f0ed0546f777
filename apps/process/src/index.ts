export { startProcess } from './bootstrap';
export { migrateProcess, createProcessDataSource, processDataSourceOptions } from './database/process-data-source';
export { TRACE_PARTITIONS } from './traces/trace-partitions';
