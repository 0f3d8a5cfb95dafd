export * from './lib/budgets.module';
