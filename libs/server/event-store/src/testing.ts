/** The contract suite every EventStore adapter runs (jest globals required). */
export * from './testing/event-store-contract';
