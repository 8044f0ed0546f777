export * from './stats';
export * from './control-chart';
export * from './run-rules';
export * from './map-grid';
export * from './patterns';
export * from './stacked-map';
export * from './yield-significance';
export * from './correlation';
