export * from './redis';
export * from './replicas';
export * from './startup-lock';
