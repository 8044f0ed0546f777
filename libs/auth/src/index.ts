export * from './role';
export * from './auth.decorators';
export * from './token.service';
export * from './gql-auth.guard';
export * from './login-throttle';
export * from './client-address';
export * from './access-table';
export * from './role-doc';
