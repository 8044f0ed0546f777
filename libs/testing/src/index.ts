export * from './test-database';
export * from './graphql-client';
export * from './test-config';
export * from './processes';
export * from './schema-suite';
export * from './stack-helpers';
export * from './fuzz';
export * from './server-log';
