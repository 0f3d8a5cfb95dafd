/** Small, dependency-free helpers usable from any layer (domain, server, web). */
export * from './lib/abortable-sleep';
export * from './lib/assert-never';
