export * from './assignment';
export * from './events';
export * from './lag';
export * from './snapshot';
export * from './diff';
