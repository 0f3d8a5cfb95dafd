export function domainEventSourcing(): string {
  return 'domain-event-sourcing';
}
