export { describeValue } from './problems';
export type { Problem } from './problems';
export * from './recipe';
export * from './traces';
export * from './thickness';
export * from './equipment-state';
export * from './segments';
