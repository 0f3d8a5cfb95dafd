import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DeciderStream, EVENT_STORE, type EventStore, type LoadedStream } from '@act/server/event-store';
import { WORKSPACE_EVENT_TYPES, workspaceDecider, workspaceStreamId, type WorkspaceCommand, type WorkspaceEvent, type WorkspaceState } from '@act/domain/identity';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CACHE_LIMIT = 5_000;

/**
 * The current state of a workspace (members and roles) straight from its stream, for
 * authorisation. A removed member must lose access at once, so this does not read the
 * eventually consistent member list: it folds the stream, keeping the folded state per
 * workspace and reading only the events appended since (usually none: one cheap query).
 */
@Injectable()
export class WorkspaceAccess {
  readonly stream: DeciderStream<WorkspaceCommand, WorkspaceEvent, WorkspaceState>;
  private readonly cache = new Map<string, LoadedStream<WorkspaceState>>();

  constructor(@Inject(EVENT_STORE) store: EventStore) {
    this.stream = new DeciderStream(store, workspaceDecider, WORKSPACE_EVENT_TYPES);
  }

  /** The workspace's state, or a 404 that says nothing about whether it exists. */
  async load(workspaceId: string): Promise<WorkspaceState> {
    if (!UUID.test(workspaceId)) throw notFound();
    const streamId = workspaceStreamId(workspaceId);
    const loaded = await this.stream.load(streamId, this.cache.get(streamId));
    if (!loaded.state.workspaceId) throw notFound();
    this.cache.delete(streamId);
    this.cache.set(streamId, loaded);
    if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    return loaded.state;
  }
}

/** Identical for "no such workspace" and "not yours": a stranger learns nothing. */
export function notFound(): NotFoundException {
  return new NotFoundException('No such workspace, or you are not a member of it.');
}
