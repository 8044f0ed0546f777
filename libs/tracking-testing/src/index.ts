export * from './tracking-test-stack';
export { STACK_START_MS } from '@mes/testing';
