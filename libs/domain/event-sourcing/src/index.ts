export * from './lib/domain-event-sourcing';
