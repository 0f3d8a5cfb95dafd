import { deciderSpec, DomainRuleViolation } from '@act/domain/event-sourcing';
import {
  COST_VERSION_ACTIVATED,
  costStreamId,
  costVersionDecider,
  PERIOD_CLOSED,
  RECOMPUTE_STARTED,
  recomputeId,
  type CostVersionEvent,
} from './cost-versions';

const now = new Date('2026-11-02T10:00:00.000Z');
const spec = deciderSpec(costVersionDecider);
const started = (version: number): CostVersionEvent => ({
  id: recomputeId('ws1', version),
  type: RECOMPUTE_STARTED,
  data: {
    workspaceId: 'ws1',
    recomputeId: recomputeId('ws1', version),
    fromVersion: version - 1,
    version,
    causes: [],
    requestedAt: now.toISOString(),
  },
});
const activated = (version: number): CostVersionEvent => ({
  id: `activated-${version}`,
  type: COST_VERSION_ACTIVATED,
  data: { workspaceId: 'ws1', recomputeId: recomputeId('ws1', version), version, activatedAt: now.toISOString(), rowsScanned: 1, rowsChanged: 1 },
});

describe('cost versions', () => {
  it('a recompute builds the next version, with the causes, the actor and a deterministic id', () => {
    const [event] = spec
      .given([started(2), activated(2)])
      .when({ type: 'StartRecompute', data: { workspaceId: 'ws1', causes: ['p1', 'p1', 'p2'] }, metadata: { now, actorId: 'u1' } })
      .events();
    expect(event).toEqual({
      id: recomputeId('ws1', 3),
      type: RECOMPUTE_STARTED,
      data: {
        workspaceId: 'ws1',
        recomputeId: recomputeId('ws1', 3),
        fromVersion: 2,
        version: 3,
        causes: ['p1', 'p2'],
        requestedBy: 'u1',
        requestedAt: '2026-11-02T10:00:00.000Z',
      },
    });
  });

  it('one recompute at a time per workspace', () => {
    const error = spec
      .given([started(2)])
      .when({ type: 'StartRecompute', data: { workspaceId: 'ws1', causes: [] }, metadata: { now } })
      .error();
    expect(error).toBeInstanceOf(DomainRuleViolation);
    expect(error).toMatchObject({ code: 'recompute.running', kind: 'conflict' });
  });

  it('activates the running recompute once; a retry is a no-op, an unknown one is refused', () => {
    const command = (id: string) => ({
      type: 'ActivateCostVersion' as const,
      data: { workspaceId: 'ws1', recomputeId: id, rowsScanned: 5, rowsChanged: 2 },
      metadata: { now },
    });
    const [event] = spec.given([started(2)]).when(command(recomputeId('ws1', 2))).events();
    expect(event).toMatchObject({ type: COST_VERSION_ACTIVATED, data: { version: 2, rowsScanned: 5, rowsChanged: 2 } });
    expect(spec.given([started(2), activated(2)]).when(command(recomputeId('ws1', 2))).events()).toEqual([]);
    expect(spec.given([]).when(command('nope')).error()).toMatchObject({ code: 'recompute.not-running', kind: 'not-found' });
  });

  it('closes a finished month once; the current month cannot be closed', () => {
    const close = (month: string) => ({ type: 'ClosePeriod' as const, data: { workspaceId: 'ws1', month }, metadata: { now, actorId: 'u2' } });
    const [event] = spec.given([]).when(close('2026-10')).events();
    expect(event).toMatchObject({ type: PERIOD_CLOSED, data: { workspaceId: 'ws1', month: '2026-10', closedBy: 'u2', closedAt: now.toISOString() } });
    expect(spec.given([event as CostVersionEvent]).when(close('2026-10')).events()).toEqual([]);
    expect(spec.given([]).when(close('2026-11')).error()).toMatchObject({ code: 'period.not-ended' });
    expect(spec.given([]).when(close('2026-13')).error()).toMatchObject({ code: 'period.month' });
  });

  it('streams per workspace', () => {
    expect(costStreamId('ws1')).toBe('costs-ws1');
    expect(() => costStreamId('a.b')).toThrow(RangeError);
  });
});
