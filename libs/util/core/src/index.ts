export * from './lib/util-core';
