export * from './connection';
export * from './errors';
export * from './pagination';
export * from './request';
