export { startAssembly } from './bootstrap';
export { migrateAssembly, createAssemblyDataSource, assemblyDataSourceOptions } from './database/assembly-data-source';
export { StackService } from './stacking/stack.service';
export { StackRepository } from './stacking/stack.repository';
