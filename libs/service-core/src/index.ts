export * from './batch-loader';
export * from './domain-error';
export * from './graphql-errors';
export * from './graphql-exception.filter';
export * from './subgraph';
export * from './rest-error.filter';
export * from './http-server';
export * from './request-body';
