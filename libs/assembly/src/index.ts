export * from './cell-code';
export * from './matching';
export * from './pick-map';
export * from './stack-test';
export * from './cycling';
export * from './readiness';
export * from './stack-test-body';
export * from './stack-route';
