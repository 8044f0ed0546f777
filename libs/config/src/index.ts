export * from './mes-config';
