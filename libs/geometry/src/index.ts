export * from './sheet-layout';
export * from './md-interval';
export * from './roll-lineage';
export * from './roll-map-tiles';
export * from './cell-code';
export * from './defect-map';
export * from './pattern-layout';
