export { startAssembly } from './bootstrap';
export { migrateAssembly, createAssemblyDataSource, assemblyDataSourceOptions } from './database/assembly-data-source';
