import { foldEvents } from '@act/domain/event-sourcing';
import {
  costStreamId,
  costVersionDecider,
  COST_VERSION_EVENT_TYPES,
  type CostVersionCommand,
  type CostVersionEvent,
  type CostVersionState,
  type RecomputeStartedData,
} from '@act/domain/usage';
import { EventStore, RecordedEvent, WrongExpectedRevisionError } from '@act/server/event-store';

/** Who acts and when: commands take them from the edge (the domain has no clock). */
export interface CommandContext {
  /** The acting user's id; recorded in the events' data and `metadata.actorId`. Absent for the system. */
  readonly actor?: string;
  readonly now?: Date;
}

export interface CommandResult {
  /** Event-store position to wait for (`?waitFor=`); 0 when nothing was appended and the stream is empty. */
  readonly position: bigint;
  readonly appended: number;
}

const MAX_ATTEMPTS = 5;

/**
 * The write side of cost versions: load the workspace's cost stream, decide, append with the
 * stream's revision, retry on a concurrent write. See `costVersionDecider` for the rules.
 */
export class CostCommands {
  constructor(private readonly store: EventStore) {}

  /** Starts a recompute of the workspace into a new cost version (409 `recompute.running` when one is under way). */
  async startRecompute(
    workspaceId: string,
    input: { readonly causes?: readonly string[]; readonly reason?: string },
    context: CommandContext = {},
  ): Promise<CommandResult & { readonly recomputeId: string; readonly version: number }> {
    const result = await this.execute(
      workspaceId,
      { type: 'StartRecompute', data: { workspaceId, causes: input.causes ?? [], ...(input.reason ? { reason: input.reason } : {}) } },
      context,
    );
    const started = result.events[0]?.data as RecomputeStartedData;
    return { position: result.position, appended: result.appended, recomputeId: started.recomputeId, version: started.version };
  }

  /** Makes a finished recompute's version current (used by the worker; a retry is a no-op). */
  async activate(
    workspaceId: string,
    recomputeId: string,
    counts: { readonly rowsScanned: number; readonly rowsChanged: number },
    context: CommandContext = {},
  ): Promise<CommandResult> {
    return this.execute(workspaceId, { type: 'ActivateCostVersion', data: { workspaceId, recomputeId, ...counts } }, context);
  }

  /** Closes a finished month: its reported figures are frozen from then on (closing again is a no-op). */
  async closePeriod(workspaceId: string, month: string, context: CommandContext = {}): Promise<CommandResult> {
    return this.execute(workspaceId, { type: 'ClosePeriod', data: { workspaceId, month } }, context);
  }

  /** The workspace's cost-version state as its stream says (current version, running recompute, closed months). */
  async state(workspaceId: string): Promise<CostVersionState> {
    const history = await this.store.readStream(costStreamId(workspaceId), { limit: 100_000 });
    return foldEvents(costVersionDecider, history.filter((e) => COST_VERSION_EVENT_TYPES.includes(e.type)).map(toCostEvent));
  }

  private async execute(
    workspaceId: string,
    command: Omit<CostVersionCommand, 'metadata'>,
    context: CommandContext,
  ): Promise<CommandResult & { events: readonly CostVersionEvent[] }> {
    const streamId = costStreamId(workspaceId);
    const metadata = { now: context.now ?? new Date(), ...(context.actor ? { actorId: context.actor } : {}) };
    for (let attempt = 1; ; attempt++) {
      const history = await this.store.readStream(streamId, { limit: 100_000 });
      const state = foldEvents(
        costVersionDecider,
        history.filter((e) => COST_VERSION_EVENT_TYPES.includes(e.type)).map(toCostEvent),
      );
      const events = costVersionDecider.decide({ ...command, metadata } as CostVersionCommand, state);
      const last = history[history.length - 1];
      if (events.length === 0) return { position: last?.globalPosition ?? 0n, appended: 0, events };
      try {
        const result = await this.store.appendToStream(
          streamId,
          events.map((e) => ({ ...e, metadata: context.actor ? { actorId: context.actor } : {} })),
          { expectedRevision: last ? last.streamPosition : 'no_stream' },
        );
        return { position: result.position, appended: result.appended, events };
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
  }
}

function toCostEvent(event: RecordedEvent): CostVersionEvent {
  return { id: event.id, type: event.type, data: event.data } as CostVersionEvent;
}
