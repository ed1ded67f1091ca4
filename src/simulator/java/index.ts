export * from './hash';
export * from './hashmap';
export * from './keys';
export * from './order';
export * from './timeline';
export * from './uuid';
