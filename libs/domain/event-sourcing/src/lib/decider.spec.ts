import { Command, Decider, DomainEvent, DomainRuleViolation, foldEvents } from './decider';
import { deciderSpec } from './decider-spec';

// A tiny counter context: enough to pin the decide/evolve contract the real contexts follow.
type Incremented = DomainEvent<'Incremented', { by: number }>;
type Increment = Command<'Increment', { by: number; max: number }>;
const meta = { now: new Date('2026-01-01T00:00:00Z') };

const counter: Decider<Increment, Incremented, { total: number }> = {
  initialState: () => ({ total: 0 }),
  evolve: (state, event) => ({ total: state.total + event.data.by }),
  decide: (command, state) => {
    if (state.total + command.data.by > command.data.max) {
      throw new DomainRuleViolation('counter.limit', `The counter may not exceed ${command.data.max}.`);
    }
    return [{ type: 'Incremented', data: { by: command.data.by } }];
  },
};

describe('decider contract', () => {
  it('folds history in order', () => {
    const events: Incremented[] = [1, 2, 3].map((by) => ({ type: 'Incremented', data: { by } }));
    expect(foldEvents(counter, events)).toEqual({ total: 6 });
  });

  it('given/when/then produces the new events', () => {
    const produced = deciderSpec(counter)
      .given([{ type: 'Incremented', data: { by: 2 } }])
      .when({ type: 'Increment', data: { by: 3, max: 10 }, metadata: meta })
      .events();
    expect(produced).toEqual([{ type: 'Incremented', data: { by: 3 } }]);
  });

  it('given/when/then surfaces rule violations with their code', () => {
    const error = deciderSpec(counter)
      .given([{ type: 'Incremented', data: { by: 9 } }])
      .when({ type: 'Increment', data: { by: 3, max: 10 }, metadata: meta })
      .error();
    expect(error).toBeInstanceOf(DomainRuleViolation);
    expect(error).toMatchObject({ code: 'counter.limit', kind: 'invalid' });
  });
});
