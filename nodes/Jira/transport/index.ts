export * from './request';
export * from './pagination';
export * from './errors';
export * from './credentialChecks';
