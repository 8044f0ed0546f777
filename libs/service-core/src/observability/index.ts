export * from './correlation';
export * from './logger';
export * from './metrics';
export * from './jobs';
export * from './observe-app';
export * from './tracing';
