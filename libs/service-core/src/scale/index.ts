export * from './redis';
export * from './replicas';
export * from './startup-lock';
export * from './month-partitions';
export * from './month-partition-keeper';
export * from './pg-transaction';
export * from './sweep-leader';
export * from './partitions-command';
