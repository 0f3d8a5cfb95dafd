import { v5 as uuidv5 } from 'uuid';
import { Command, Decider, DomainEvent, DomainRuleViolation } from '@act/domain/event-sourcing';
import { IDENTIFIER, USAGE_LEDGER_NAMESPACE } from './ids';

/*
 * Cost versions of one workspace. The estimated cost of every usage row is a function of the
 * usage and of the prices in force on its day. When a price changes for days that already have
 * usage, the affected rows are recomputed into a NEW cost version: the previous version keeps
 * what it said (audit), the new one becomes current once the whole recompute is done.
 *
 * - `RecomputeStarted.v1`: a recompute of the workspace into `version` begins. Its global
 *   position P fixes the prices it uses: every `PriceSet` before P, nothing after.
 * - `CostVersionActivated.v1`: the recompute is complete; from this event on `version` is
 *   current. Projections apply every repriced row at once here.
 * - `PeriodClosed.v1`: the month's reported figures are frozen; later changes to that month
 *   are shown as adjustment lines instead of rewriting what was reported.
 *
 * All three live in the workspace's cost stream (`costStreamId`), so version numbers are
 * handed out one at a time (expected revision) and a month closes once.
 */
export const RECOMPUTE_STARTED = 'RecomputeStarted.v1';
export const COST_VERSION_ACTIVATED = 'CostVersionActivated.v1';
export const PERIOD_CLOSED = 'PeriodClosed.v1';

/** The first cost version of every workspace: estimates made as usage arrived. */
export const INITIAL_COST_VERSION = 1;

export type RecomputeStartedData = {
  readonly workspaceId: string;
  readonly recomputeId: string;
  /** The version current when the recompute started. */
  readonly fromVersion: number;
  /** The version the recompute builds (`fromVersion + 1`). */
  readonly version: number;
  /** The `PriceSet` ids that made the recompute necessary (for the audit trail; may be empty). */
  readonly causes: readonly string[];
  readonly reason?: string;
  /** User id of whoever asked for it; absent for the system (a follow-up, a catalogue refresh). */
  readonly requestedBy?: string;
  /** ISO instant, from the command's metadata. */
  readonly requestedAt: string;
};

export type CostVersionActivatedData = {
  readonly workspaceId: string;
  readonly recomputeId: string;
  readonly version: number;
  readonly activatedAt: string;
  /** Rows the recompute looked at and rows whose figures changed (informational). */
  readonly rowsScanned: number;
  readonly rowsChanged: number;
};

export type PeriodClosedData = {
  readonly workspaceId: string;
  /** `YYYY-MM` */
  readonly month: string;
  readonly closedBy?: string;
  readonly closedAt: string;
};

export type RecomputeStarted = DomainEvent<typeof RECOMPUTE_STARTED, RecomputeStartedData> & { readonly id: string };
export type CostVersionActivated = DomainEvent<typeof COST_VERSION_ACTIVATED, CostVersionActivatedData> & {
  readonly id: string;
};
export type PeriodClosed = DomainEvent<typeof PERIOD_CLOSED, PeriodClosedData> & { readonly id: string };
export type CostVersionEvent = RecomputeStarted | CostVersionActivated | PeriodClosed;

export const COST_VERSION_EVENT_TYPES: readonly string[] = [RECOMPUTE_STARTED, COST_VERSION_ACTIVATED, PERIOD_CLOSED];

export type StartRecompute = Command<
  'StartRecompute',
  { readonly workspaceId: string; readonly causes: readonly string[]; readonly reason?: string }
>;
export type ActivateCostVersion = Command<
  'ActivateCostVersion',
  { readonly workspaceId: string; readonly recomputeId: string; readonly rowsScanned: number; readonly rowsChanged: number }
>;
export type ClosePeriod = Command<'ClosePeriod', { readonly workspaceId: string; readonly month: string }>;
export type CostVersionCommand = StartRecompute | ActivateCostVersion | ClosePeriod;

export interface CostVersionState {
  readonly currentVersion: number;
  readonly running: { readonly recomputeId: string; readonly version: number } | null;
  readonly activated: ReadonlySet<string>;
  readonly closedMonths: ReadonlySet<string>;
}

/** The event-store stream of one workspace's cost versions and period closes. */
export function costStreamId(workspaceId: string): string {
  if (!IDENTIFIER.test(workspaceId)) throw new RangeError(`costStreamId: invalid workspaceId "${workspaceId}"`);
  return `costs-${workspaceId}`;
}

/** Deterministic: retrying a start that was appended but not acknowledged gives the same id. */
export function recomputeId(workspaceId: string, version: number): string {
  return uuidv5(`RecomputeStarted|${workspaceId}|${version}`, USAGE_LEDGER_NAMESPACE);
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export const costVersionDecider: Decider<CostVersionCommand, CostVersionEvent, CostVersionState> = {
  initialState: () => ({ currentVersion: INITIAL_COST_VERSION, running: null, activated: new Set(), closedMonths: new Set() }),

  evolve: (state, event) => {
    switch (event.type) {
      case RECOMPUTE_STARTED:
        return { ...state, running: { recomputeId: event.data.recomputeId, version: event.data.version } };
      case COST_VERSION_ACTIVATED:
        return {
          ...state,
          currentVersion: event.data.version,
          running: null,
          activated: new Set([...state.activated, event.data.recomputeId]),
        };
      case PERIOD_CLOSED:
        return { ...state, closedMonths: new Set([...state.closedMonths, event.data.month]) };
      default:
        return assertNever(event);
    }
  },

  decide: (command, state) => {
    const now = command.metadata.now.toISOString();
    const actor = command.metadata.actorId;
    switch (command.type) {
      case 'StartRecompute': {
        const { workspaceId } = command.data;
        if (state.running) {
          throw new DomainRuleViolation(
            'recompute.running',
            `A recompute into cost version ${state.running.version} is already running for this workspace; ` +
              'a new one can start when it has finished.',
            'conflict',
          );
        }
        const version = state.currentVersion + 1;
        const id = recomputeId(workspaceId, version);
        return [
          {
            id,
            type: RECOMPUTE_STARTED,
            data: {
              workspaceId,
              recomputeId: id,
              fromVersion: state.currentVersion,
              version,
              causes: [...new Set(command.data.causes)],
              ...(command.data.reason ? { reason: command.data.reason } : {}),
              ...(actor ? { requestedBy: actor } : {}),
              requestedAt: now,
            },
          },
        ];
      }
      case 'ActivateCostVersion': {
        const { workspaceId, recomputeId: id } = command.data;
        // A retry after the activation was stored: nothing more to do.
        if (state.activated.has(id)) return [];
        if (state.running?.recomputeId !== id) {
          throw new DomainRuleViolation('recompute.not-running', `Recompute ${id} is not running in this workspace.`, 'not-found');
        }
        return [
          {
            id: uuidv5(`CostVersionActivated|${id}`, USAGE_LEDGER_NAMESPACE),
            type: COST_VERSION_ACTIVATED,
            data: {
              workspaceId,
              recomputeId: id,
              version: state.running.version,
              activatedAt: now,
              rowsScanned: command.data.rowsScanned,
              rowsChanged: command.data.rowsChanged,
            },
          },
        ];
      }
      case 'ClosePeriod': {
        const { workspaceId, month } = command.data;
        if (!MONTH.test(month)) throw new DomainRuleViolation('period.month', `"${month}" is not a month (YYYY-MM).`);
        // Closing is a statement about a finished month: the current one is still growing.
        if (month >= now.slice(0, 7)) {
          throw new DomainRuleViolation('period.not-ended', `${month} has not ended yet; a month can be closed from its next month on.`);
        }
        if (state.closedMonths.has(month)) return [];
        return [
          {
            id: uuidv5(`PeriodClosed|${workspaceId}|${month}`, USAGE_LEDGER_NAMESPACE),
            type: PERIOD_CLOSED,
            data: { workspaceId, month, ...(actor ? { closedBy: actor } : {}), closedAt: now },
          },
        ];
      }
      default:
        return assertNever(command);
    }
  },
};

function assertNever(value: never): never {
  throw new Error(`Unexpected ${JSON.stringify(value)}`);
}
