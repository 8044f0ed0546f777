export * from './tracking.client';
