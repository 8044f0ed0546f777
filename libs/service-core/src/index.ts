export * from './domain-error';
export * from './graphql-errors';
