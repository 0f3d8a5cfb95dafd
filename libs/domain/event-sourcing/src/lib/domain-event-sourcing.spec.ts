import { domainEventSourcing } from './domain-event-sourcing';

describe('domainEventSourcing', () => {
  it('should work', () => {
    expect(domainEventSourcing()).toEqual('domain-event-sourcing');
  });
});
