import { Command, Decider, DomainEvent, foldEvents } from './decider';

/**
 * Given/when/then for deciders:
 *   deciderSpec(decider).given([...events]).when(command).then([...expected events])
 *   deciderSpec(decider).given([...]).when(command).thenThrows(DomainRuleViolation)
 * Framework-free so it works with any test runner: `then` returns the events, it does not assert.
 */
export function deciderSpec<C extends Command, E extends DomainEvent, S>(decider: Decider<C, E, S>) {
  return {
    given(history: readonly E[]) {
      return {
        when(command: C) {
          const run = () => decider.decide(command, foldEvents(decider, history));
          return {
            events: (): readonly E[] => run(),
            error: (): unknown => {
              try {
                run();
              } catch (error) {
                return error;
              }
              throw new Error(`Expected ${command.type} to be rejected, but it produced events`);
            },
          };
        },
      };
    },
  };
}
