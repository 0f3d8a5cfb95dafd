export * from './lib/server-projections.module';
